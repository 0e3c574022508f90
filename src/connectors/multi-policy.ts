/**
 * Policies of the `MultiConnector`: which objects (by size and tags) and which hosts each of its
 * connectors is for, and which connector wins when several would do (priority). They are plain
 * JSON, so they travel inside the connector's config to every process that resolves its keys.
 * @module
 */
import { hostname } from 'node:os';
import { InvalidArgumentError } from '../errors.js';
import type { JsonValue } from '../core/protocol.js';

/** When a connector of a `MultiConnector` may take an object. Every field is optional. */
export interface Policy {
  /** Breaks ties: among the connectors that accept an object, the highest priority gets it. Default 0. */
  readonly priority?: number | undefined;
  /**
   * Regular expressions, one of which must match this host's name entirely (`os.hostname()`, or
   * the connector's `hostname` option). On other hosts the connector is dormant: it never takes
   * new objects, but keys it made still resolve. Default: every host.
   */
  readonly hostPattern?: string | readonly string[] | undefined;
  /** The smallest payload it takes, in bytes (inclusive). Default 0. */
  readonly minSizeBytes?: number | undefined;
  /** The largest payload it takes, in bytes (inclusive). Default: no limit. */
  readonly maxSizeBytes?: number | undefined;
  /** An object's `subsetTags` must all be among these for this connector to take it. Default none. */
  readonly subsetTags?: readonly string[] | undefined;
  /** An object's `supersetTags` must include all of these for this connector to take it. Default none. */
  readonly supersetTags?: readonly string[] | undefined;
}

/** A policy with every field filled in: what a config carries. */
export interface FullPolicy {
  readonly priority: number;
  readonly hostPattern: readonly string[] | null;
  readonly minSizeBytes: number;
  readonly maxSizeBytes: number;
  readonly subsetTags: readonly string[];
  readonly supersetTags: readonly string[];
}

/** The tags an object is put (or a future made) with, matched against each connector's policy. */
export interface PlacementOptions {
  /** Tags that must all be among a connector's `subsetTags` for it to take the object. */
  readonly subsetTags?: readonly string[] | undefined;
  /** Tags that must include all of a connector's `supersetTags` for it to take the object. */
  readonly supersetTags?: readonly string[] | undefined;
}

/** What a policy is checked against; an absent field is not checked (ProxyStore's rule). */
export interface Constraints extends PlacementOptions {
  /** The payload's size in bytes; absent for a future's key, whose value is not known yet. */
  readonly sizeBytes?: number | undefined;
}

function sizeField(value: unknown, field: string, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`The policy of ${where} has a bad "${field}" (${JSON.stringify(value)}): give a whole number of bytes, 0 or more.`);
  }
  return value;
}

function tagsField(value: unknown, field: string, where: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) {
    throw new InvalidArgumentError(`The policy of ${where} has a bad "${field}" (${JSON.stringify(value)}): give an array of strings.`);
  }
  return [...value];
}

function patternsField(value: unknown, where: string): readonly string[] | null {
  if (value === undefined || value === null) return null;
  const patterns: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value];
  for (const p of patterns) {
    if (typeof p !== 'string') throw new InvalidArgumentError(`The policy of ${where} has a bad "hostPattern" (${JSON.stringify(value)}): give a regular expression or an array of them.`);
    try {
      new RegExp(p);
    } catch (error) {
      throw new InvalidArgumentError(`The policy of ${where} has a "hostPattern" that is not a regular expression (${JSON.stringify(p)}): ${(error as Error).message}.`);
    }
  }
  return patterns as string[];
}

/**
 * Checks a policy and fills in its defaults.
 * @param policy - a policy, from code or from a config that travelled as JSON.
 * @param where - what it belongs to, for error messages (e.g. `connector "small"`).
 * @returns the full policy.
 * @throws InvalidArgumentError naming the bad field.
 */
export function fullPolicy(policy: unknown, where: string): FullPolicy {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new InvalidArgumentError(`The policy of ${where} must be an object: got ${JSON.stringify(policy)}.`);
  }
  const p = policy as Record<string, unknown>;
  const priority = p['priority'] ?? 0;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new InvalidArgumentError(`The policy of ${where} has a bad "priority" (${JSON.stringify(priority)}): give a finite number.`);
  }
  const minSizeBytes = sizeField(p['minSizeBytes'], 'minSizeBytes', 0, where);
  const maxSizeBytes = sizeField(p['maxSizeBytes'], 'maxSizeBytes', Number.MAX_SAFE_INTEGER, where);
  if (minSizeBytes > maxSizeBytes) {
    throw new InvalidArgumentError(`The policy of ${where} takes no object at all: minSizeBytes ${minSizeBytes} is above maxSizeBytes ${maxSizeBytes}.`);
  }
  return {
    priority,
    hostPattern: patternsField(p['hostPattern'], where),
    minSizeBytes,
    maxSizeBytes,
    subsetTags: tagsField(p['subsetTags'], 'subsetTags', where),
    supersetTags: tagsField(p['supersetTags'], 'supersetTags', where),
  };
}

/**
 * A full policy as JSON, for a config.
 * @param policy - the policy.
 * @returns plain JSON that `fullPolicy` reads back to an equal policy.
 */
export function policyJson(policy: FullPolicy): { [field: string]: JsonValue } {
  return {
    priority: policy.priority,
    hostPattern: policy.hostPattern === null ? null : [...policy.hostPattern],
    minSizeBytes: policy.minSizeBytes,
    maxSizeBytes: policy.maxSizeBytes,
    subsetTags: [...policy.subsetTags],
    supersetTags: [...policy.supersetTags],
  };
}

/**
 * Whether a policy lets its connector work on a host: one of its patterns matches the whole name.
 * @param policy - the policy.
 * @param host - the host's name; default `os.hostname()`.
 * @returns true when the policy has no pattern or one matches.
 */
export function validOnHost(policy: FullPolicy, host: string = hostname()): boolean {
  return policy.hostPattern === null || policy.hostPattern.some((p) => new RegExp(`^(?:${p})$`).test(host));
}

/**
 * Whether a policy accepts an object with these constraints on this host.
 * @param policy - the policy.
 * @param constraints - the object's size and tags; absent fields are not checked.
 * @param host - the host's name; default `os.hostname()`.
 * @returns true when the size is within bounds, the subset tags are among the policy's, the
 * superset tags include the policy's, and the host matches.
 */
export function accepts(policy: FullPolicy, constraints: Constraints, host: string = hostname()): boolean {
  const { sizeBytes, subsetTags, supersetTags } = constraints;
  if (sizeBytes !== undefined && (sizeBytes < policy.minSizeBytes || sizeBytes > policy.maxSizeBytes)) return false;
  if (subsetTags !== undefined && !subsetTags.every((t) => policy.subsetTags.includes(t))) return false;
  if (supersetTags !== undefined && !policy.supersetTags.every((t) => supersetTags.includes(t))) return false;
  return validOnHost(policy, host);
}

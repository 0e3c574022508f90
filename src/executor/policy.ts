/**
 * Which arguments and results travel as proxies: ProxyStore's `should_proxy` callables, plus a
 * size threshold. A policy is applied to each argument and to the result, never recursively.
 * The result is proxied on the worker, so a policy travels with each task as a small JSON spec
 * and is rebuilt there: built-in policies from their spec, custom ones by name.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { jsonBytes } from './json-value.js';

/** The JSON form of a policy, sent with each task so the worker applies the same one. */
export type PolicySpec =
  | {
      /** `proxyAlways()`. */
      readonly kind: 'always';
    }
  | {
      /** `proxyNever()`. */
      readonly kind: 'never';
    }
  | {
      /** `proxyType(...)`. */
      readonly kind: 'type';
      /** The type names, as `typeof` gives them or classes are named. */
      readonly types: readonly string[];
    }
  | {
      /** `proxyLargerThan(bytes)`. */
      readonly kind: 'largerThan';
      /** The threshold. */
      readonly bytes: number;
    }
  | {
      /** `proxyWhen(name, test)`. */
      readonly kind: 'named';
      /** The name the policy was defined under. */
      readonly name: string;
    };

/** Decides whether a value travels as a proxy (true) or by value (false). */
export interface ProxyPolicy {
  /**
   * @param value - an argument or a result.
   * @returns true to proxy it.
   */
  (value: unknown): boolean;
  /** How the worker rebuilds this policy. */
  readonly spec: PolicySpec;
}

function policy(spec: PolicySpec, test: (value: unknown) => boolean): ProxyPolicy {
  return Object.assign((value: unknown) => test(value), { spec });
}

/**
 * Proxies every value (ProxyStore's `ProxyAlways`). Values a proxy cannot stand for (booleans
 * and falsy values) still travel by value.
 * @returns the policy.
 */
export function proxyAlways(): ProxyPolicy {
  return policy({ kind: 'always' }, () => true);
}

/**
 * Proxies nothing (ProxyStore's `ProxyNever`): the executor's default.
 * @returns the policy.
 */
export function proxyNever(): ProxyPolicy {
  return policy({ kind: 'never' }, () => false);
}

/** A constructor, or the name `typeof` gives a primitive. */
export type TypeMatcher = 'string' | 'number' | 'bigint' | 'symbol' | 'function' | (abstract new (...args: never[]) => unknown);

// Names travel, constructors do not: an object matches a name found on its prototype chain, so
// `Uint8Array` matches a Buffer on both sides.
function typeNames(types: readonly TypeMatcher[]): string[] {
  return types.map((type) => {
    if (typeof type === 'string') return type;
    if (type.name === '') throw new InvalidArgumentError('proxyType() was given an anonymous class: a policy matches classes by name, so give the class a name.');
    return type.name;
  });
}

function matchesType(value: unknown, names: ReadonlySet<string>): boolean {
  if (names.has(typeof value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  for (let proto: unknown = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && names.has(name)) return true;
  }
  return false;
}

/**
 * Proxies values of the given types (ProxyStore's `ProxyType`).
 * @param types - classes (`Uint8Array`, `Map`, your own) or primitive type names (`'string'`).
 *   Classes match by name along the prototype chain, so the worker needs no access to them.
 * @returns the policy.
 * @throws InvalidArgumentError when no type is given, or a class has no name.
 * @example
 * ```ts
 * const shouldProxy = proxyType(Float64Array, 'string');
 * shouldProxy('text'); // true
 * shouldProxy([1, 2]); // false
 * ```
 */
export function proxyType(...types: TypeMatcher[]): ProxyPolicy {
  if (types.length === 0) throw new InvalidArgumentError('proxyType() needs at least one type: pass classes such as Uint8Array or names such as "string".');
  const names = typeNames(types);
  const set = new Set(names);
  return policy({ kind: 'type', types: names }, (value) => matchesType(value, set));
}

/**
 * Proxies values whose size is more than `bytes`: a typed array's or buffer's byte length, a
 * string's UTF-8 length, or the length of any other value's JSON. A value JSON cannot carry
 * faithfully (a Map, a class instance) is always proxied, since it cannot travel by value.
 * @param bytes - the threshold, a non-negative integer.
 * @returns the policy.
 * @throws InvalidArgumentError when `bytes` is negative or not an integer.
 */
export function proxyLargerThan(bytes: number): ProxyPolicy {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new InvalidArgumentError(`proxyLargerThan() needs a non-negative integer number of bytes, got ${bytes}.`);
  return policy({ kind: 'largerThan', bytes }, (value) => sizeOf(value) > bytes);
}

function sizeOf(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return value.byteLength;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  return jsonBytes(value) ?? Number.POSITIVE_INFINITY;
}

const named = new Map<string, ProxyPolicy>();

/**
 * A custom policy, known by name in every process that defines it: the worker finds it by the
 * name the task carries, so define it in a module that the client and the workers both load.
 * @param name - a unique name.
 * @param test - returns true for values to proxy.
 * @returns the policy.
 * @throws InvalidArgumentError when another test is already defined under this name.
 */
export function proxyWhen(name: string, test: (value: unknown) => boolean): ProxyPolicy {
  const existing = named.get(name);
  if (existing !== undefined) throw new InvalidArgumentError(`A proxy policy named "${name}" is already defined in this process: give the new one another name.`);
  const made = policy({ kind: 'named', name }, test);
  named.set(name, made);
  return made;
}

/**
 * Rebuilds a policy from its spec, on the worker.
 * @param spec - the spec a task carried.
 * @param task - the task's name, for the error.
 * @returns the policy.
 * @throws InvalidArgumentError when the spec is malformed or names a policy this process never defined.
 */
export function policyFromSpec(spec: PolicySpec, task: string): ProxyPolicy {
  switch (spec.kind) {
    case 'always':
      return proxyAlways();
    case 'never':
      return proxyNever();
    case 'type':
      return proxyType(...(spec.types as TypeMatcher[]));
    case 'largerThan':
      return proxyLargerThan(spec.bytes);
    case 'named': {
      const found = named.get(spec.name);
      if (found === undefined) throw new InvalidArgumentError(`Task "${task}" asks for the proxy policy "${spec.name}", which this worker never defined: call proxyWhen("${spec.name}", ...) in a module the worker loads.`);
      return found;
    }
    default:
      throw new InvalidArgumentError(`Task "${task}" carries a malformed proxy policy ${JSON.stringify(spec)}: client and worker must run the same proxymesh version.`);
  }
}

/**
 * Keys of the `MultiConnector`: the name of the connector that holds the object, and that
 * connector's own key for it, so any process with the MultiConnector's config knows where to go.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { JsonValue } from '../core/protocol.js';
import { describeInput } from '../util/describe-input.js';

/** A MultiConnector key: `{"connector": "<name>", "key": <that connector's key>}`. */
export interface MultiKey {
  readonly [field: string]: JsonValue;
  /** The name of the connector (in the MultiConnector's config) that holds the object. */
  readonly connector: string;
  /** That connector's key for the object. */
  readonly key: JsonValue;
}

/**
 * Checks a key that came from a caller or another process.
 * @param key - the key.
 * @returns it, typed.
 * @throws InvalidArgumentError when it is not exactly `{connector, key}` with a non-empty name.
 */
export function checkMultiKey(key: unknown): MultiKey {
  if (typeof key === 'object' && key !== null && !Array.isArray(key)) {
    const fields = Object.keys(key);
    const { connector, key: inner } = key as { connector?: unknown; key?: unknown };
    if (fields.length === 2 && typeof connector === 'string' && connector !== '' && inner !== undefined) return key as MultiKey;
  }
  throw new InvalidArgumentError(
    `Not a MultiConnector key: ${describeInput(key)}. Expected {"connector": "<name>", "key": <key>} exactly as put() or newKey() returned it.`,
  );
}

/**
 * Groups keys by connector, remembering each key's position, so a batch call per connector can
 * be put back in the caller's order.
 * @param names - the connector name of each item, in order.
 * @returns the positions of each connector's items, by name, in first-seen order.
 */
export function groupPositions(names: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  names.forEach((name, i) => {
    const group = groups.get(name);
    if (group) group.push(i);
    else groups.set(name, [i]);
  });
  return groups;
}

/**
 * Checks of what callers hand to connectors. The Local, File and Redis keys are `{id}`, one
 * random object id, checked strictly because it becomes part of a file name or a Redis key
 * name, where a crafted id could escape the connector's directory or prefix.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { describeInput } from '../util/describe-input.js';
import type { Payload } from './protocol.js';

/** A key that is one object id: `{"id": "<32 lowercase hex digits>"}`. */
export interface ObjectIdKey {
  readonly [field: string]: string;
  /** The object id: 32 lowercase hex digits, as `newObjectId()` makes them. */
  readonly id: string;
}

// Exactly what newObjectId() produces; anything else (dots, slashes, upper case) is refused, so
// an id can never name a path outside the directory or a key outside the prefix.
const ID_PATTERN = /^[0-9a-f]{32}$/;

export { describeInput } from '../util/describe-input.js';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? `a ${ctor.name}` : 'an object';
}

/**
 * Returns the id of a well-formed key.
 * @param key the key to check, as given by the caller.
 * @param connector the connector's class name, for the error message.
 * @returns the key's object id.
 * @throws InvalidArgumentError when `key` is not exactly `{"id": "<32 lowercase hex digits>"}`.
 */
export function checkObjectIdKey(key: unknown, connector: string): string {
  if (typeof key === 'object' && key !== null && !Array.isArray(key)) {
    const fields = Object.keys(key);
    const id: unknown = (key as { id?: unknown }).id;
    if (fields.length === 1 && typeof id === 'string' && ID_PATTERN.test(id)) return id;
  }
  throw new InvalidArgumentError(
    `Not a ${connector} key: ${describeInput(key)}. Expected {"id": "<32 lowercase hex digits>"} exactly as returned by put() or newKey().`,
  );
}

/** The longest codec tag a payload may carry, in UTF-8 bytes (see `Payload.codec`). */
export const MAX_CODEC_BYTES = 64;

/**
 * Checks that a payload is a codec tag plus bytes, before anything is written.
 * @param payload the payload to check.
 * @param connector the connector's class name, for the error message.
 * @throws InvalidArgumentError when the codec is not a string of 1 to 64 UTF-8 bytes or the data is
 * not a Uint8Array.
 */
export function checkPayload(payload: Payload, connector: string): void {
  const codec: unknown = (payload as { codec?: unknown } | null)?.codec;
  const data: unknown = (payload as { data?: unknown } | null)?.data;
  const bytes = typeof codec === 'string' ? Buffer.byteLength(codec, 'utf8') : 0;
  if (typeof codec !== 'string' || bytes === 0 || bytes > MAX_CODEC_BYTES) {
    throw new InvalidArgumentError(
      `${connector} cannot store a payload with codec ${describeInput(codec)}: the codec must be a string of 1 to ${MAX_CODEC_BYTES} bytes of UTF-8.`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new InvalidArgumentError(`${connector} cannot store the ${codec} payload: its data must be a Uint8Array, not ${typeName(data)}.`);
  }
}

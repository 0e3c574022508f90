/**
 * How `RedisConnector` stores a payload: one Redis string, `[1][codec length][codec][data]`.
 *
 * One string per object, rather than a hash of codec and data, because then a read is one GET,
 * a batch is one MGET or MSET, codec and bytes can never be seen apart, and a write-once set is
 * one atomic script on one key. The price is one copy of the data when encoding; decoding is
 * a view, not a copy. A deferred key that is not set yet holds the empty string, which no
 * encoded payload can be.
 * @module
 */
import { DataCorruptedError } from '../errors.js';
import type { Payload } from '../core/protocol.js';

const VERSION = 1;

/** The bytes an encoded payload adds to its data. */
export function headerBytes(payload: Payload): number {
  return 2 + Buffer.byteLength(payload.codec, 'utf8');
}

/** Encodes a checked payload (its codec is at most 64 characters, so at most 192 bytes). */
export function encodeValue(payload: Payload): Buffer {
  const codec = Buffer.from(payload.codec, 'utf8');
  const value = Buffer.allocUnsafe(2 + codec.byteLength + payload.data.byteLength);
  value[0] = VERSION;
  value[1] = codec.byteLength;
  codec.copy(value, 2);
  value.set(payload.data, 2 + codec.byteLength);
  return value;
}

/**
 * Decodes a stored value: `undefined` for a missing key or a pending deferred key.
 * @param describe names the key for the error message.
 * @throws DataCorruptedError when the value was not written by proxymesh.
 */
export function decodeValue(value: Buffer | null, describe: () => string): Payload | undefined {
  if (value === null || value.byteLength === 0) return undefined;
  const codecEnd = 2 + (value[1] ?? 0);
  if (value[0] !== VERSION || value.byteLength < codecEnd) {
    throw new DataCorruptedError(`${describe()} holds a value proxymesh did not write (no version ${VERSION} header). Evict it, and give each store its own prefix.`);
  }
  return { codec: value.toString('utf8', 2, codecEnd), data: value.subarray(codecEnd) };
}

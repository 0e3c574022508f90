/**
 * The `bytes` codec: raw binary data, stored as is.
 * @module
 */
import type { Codec } from './codec.js';

/**
 * Raw bytes (`Uint8Array`, including `Buffer`).
 *
 * Encoding copies the bytes into a buffer of their own: the store keeps a snapshot, as it does
 * for every other value, and a small `Buffer` from Node's shared pool does not drag its whole
 * 8 KiB pool along (or get copied later when a transport transfers it).
 *
 * Decoding returns a plain `Uint8Array` (never a `Buffer`) that views the payload's bytes
 * without copying them, because objects may be gigabytes. Treat it as read-only: the store's
 * cache, and an in-process connector, may share it.
 */
export const bytesCodec: Codec<Uint8Array> = {
  tag: 'bytes',
  supports: (value): value is Uint8Array => value instanceof Uint8Array,
  encode: (value) => new Uint8Array(value),
  decode: (data) => (data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
};

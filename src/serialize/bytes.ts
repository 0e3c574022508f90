/**
 * The `bytes` codec: raw binary data, stored as is.
 * @module
 */
import { borrow } from './borrowed.js';
import type { Codec } from './codec.js';

/**
 * Raw bytes (`Uint8Array`, including `Buffer`).
 *
 * Encoding does not copy: the payload is a view of the value's bytes, marked as borrowed
 * (borrowed.ts). Connectors that send or write the bytes do so before the call returns; the
 * ones that keep payloads copy borrowed ones, so the store still keeps a snapshot, as it does
 * for every other value, and a small `Buffer` from Node's shared pool is never kept whole.
 *
 * Decoding returns a plain `Uint8Array` (never a `Buffer`) that views the payload's bytes
 * without copying them, because objects may be gigabytes. Treat it as read-only: the store's
 * cache, and an in-process connector, may share it.
 */
export const bytesCodec: Codec<Uint8Array> = {
  tag: 'bytes',
  supports: (value): value is Uint8Array => value instanceof Uint8Array,
  encode: (value) => borrow(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)),
  decode: (data) => (data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
};

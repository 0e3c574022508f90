/**
 * Bytes as a Buffer without copying them: grpc-js reads and writes Buffers, while protobuf code
 * and callers hand over plain Uint8Arrays.
 * @module
 */

/** The bytes as a Buffer: the same object when it already is one, else a view of its memory (never a copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The least a batch RPC does under proxymesh's contract, as bare grpc-js can carry it: objects
 * packed into messages of about 1 MiB as `[u32 size][u32 CRC-32C][bytes]`, every checksum
 * checked by the receiver, every stored object named by a key of its own (32 hex digits). No
 * codec tags, no limits, no protobuf. The bench's bound for `getBatch`/`putBatch` with a
 * checksum per object (BENCHMARKS.md, Tuning §20).
 * @module
 */
import { crc32c } from '../../../src/mesh/wire/crc32c.js';

const HEADER_BYTES = 8;
/** Size a message is filled to, as proxymesh's batch messages. */
const MESSAGE_BYTES = 1024 * 1024;
/** Length of a key in the answers of PutObjects and the requests of GetObjects. */
export const KEY_CHARS = 32;

/**
 * The objects packed in order, one message at a time (a message is made when it is asked for).
 * @param checksums - the objects' known checksums (a server's stored ones); else computed.
 */
export function* packObjects(objects: readonly Uint8Array[], checksums?: readonly number[]): Generator<Buffer> {
  let next = 0;
  while (next < objects.length) {
    let end = next;
    let bytes = 0;
    do bytes += HEADER_BYTES + (objects[end++]?.byteLength ?? 0);
    while (end < objects.length && bytes + HEADER_BYTES + (objects[end]?.byteLength ?? 0) <= MESSAGE_BYTES);
    const message = Buffer.allocUnsafe(bytes);
    let offset = 0;
    for (; next < end; next++) {
      const data = objects[next] as Uint8Array;
      message.writeUInt32LE(data.byteLength, offset);
      message.writeUInt32LE(checksums?.[next] ?? crc32c(data), offset + 4);
      message.set(data, offset + HEADER_BYTES);
      offset += HEADER_BYTES + data.byteLength;
    }
    yield message;
  }
}

/** Calls `each` with a view of every object in a message and its checksum, checked. */
export function unpackObjects(message: Buffer, each: (data: Buffer, checksum: number) => void): void {
  for (let offset = 0; offset < message.byteLength; ) {
    const size = message.readUInt32LE(offset);
    const checksum = message.readUInt32LE(offset + 4);
    const data = message.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + size);
    if (crc32c(data) !== checksum) throw new Error(`a packed object at byte ${offset} does not match its checksum`);
    each(data, checksum);
    offset += HEADER_BYTES + size;
  }
}

/** Keys packed into one buffer of KEY_CHARS each, and back. */
export const packKeys = (keys: readonly string[]): Buffer => Buffer.from(keys.join(''), 'latin1');
export function unpackKeys(packed: Buffer): string[] {
  const keys: string[] = [];
  for (let offset = 0; offset < packed.byteLength; offset += KEY_CHARS) keys.push(packed.toString('latin1', offset, offset + KEY_CHARS));
  return keys;
}

/**
 * Objects on the wire, sending side: a payload of at most one piece travels as one `whole`
 * message; a larger one as a header (codec, size), data pieces of at most `chunkBytes`, and a
 * trailer with the checksum. Sending slices the payload without copying it. The receiving side
 * is object-receiver.ts.
 * @module
 */
import type { Payload } from '../../core/protocol.js';
import type { ObjectHeader, ObjectTrailer, SharedFile, WholeObject } from '../../../gen/proxymesh/v1/peer.js';
import { DEFAULT_CHUNK_BYTES } from './chunk-sizes.js';
import { crc32c } from './crc32c.js';
import { checksumOf, verifiedCrc } from './verified-crc.js';

export { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from './chunk-sizes.js';

/** One part of an object stream, as the generated oneof `part` types spell it. */
export type ObjectPart =
  | { $case: 'header'; value: ObjectHeader }
  | { $case: 'data'; value: Buffer }
  | { $case: 'trailer'; value: ObjectTrailer }
  | { $case: 'whole'; value: WholeObject };

/** A part of a Get or Await answer: also an object held in a file of the peer's shared-memory directory (shared-files.ts). */
export type AnswerPart = ObjectPart | { $case: 'file'; value: SharedFile };

/** A view of `data` as a Buffer, without copying it. */
const view = (data: Uint8Array, offset = 0, length = data.byteLength): Buffer => Buffer.from(data.buffer, data.byteOffset + offset, length);

/** The header of a payload. */
export function headerOf(payload: Payload): ObjectHeader {
  return { codec: payload.codec, size: BigInt(payload.data.byteLength) };
}

/** Whether a payload travels as one `whole` message: one message instead of three for small objects. */
export function travelsWhole(payload: Payload, chunkBytes: number): boolean {
  return payload.data.byteLength <= chunkBytes;
}

/** A payload as one message: codec, a view of its bytes, and their CRC-32C. */
export function wholeOf(payload: Payload): WholeObject {
  return { codec: payload.codec, data: view(payload.data), crc32c: checksumOf(payload) };
}

/**
 * The data pieces and trailer of a payload: views into it, never copies. The trailer carries
 * the CRC-32C of the payload, computed piece by piece as the pieces go out, so the receiver
 * can prove it got exactly these bytes (a peer sends the checksum it verified on arrival, when
 * it has one).
 */
export function* dataParts(payload: Payload, chunkBytes = DEFAULT_CHUNK_BYTES): Generator<Extract<ObjectPart, { $case: 'data' | 'trailer' }>> {
  const { data } = payload;
  const verified = verifiedCrc(payload);
  let crc = 0;
  for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
    const piece = view(data, offset, Math.min(chunkBytes, data.byteLength - offset));
    if (verified === undefined) crc = crc32c(piece, crc);
    yield { $case: 'data', value: piece };
  }
  yield { $case: 'trailer', value: { crc32c: verified ?? crc } };
}

/** The object stream of a payload: one whole object, or a header, data pieces and a trailer. */
export function* objectParts(payload: Payload, chunkBytes = DEFAULT_CHUNK_BYTES): Generator<ObjectPart> {
  if (travelsWhole(payload, chunkBytes)) {
    yield { $case: 'whole', value: wholeOf(payload) };
    return;
  }
  yield { $case: 'header', value: headerOf(payload) };
  yield* dataParts(payload, chunkBytes);
}

/**
 * The decoder of the two batch messages that carry payloads, GetBatchResponse (on a client) and
 * PutBatchRequest (on a peer), which share one layout: the same message as the generated
 * decoder, with `data` fields handed out as views into the received bytes, not copies. A batch
 * of 1,000 small objects decodes 1,000 parts per call, so the loop allocates only what it
 * returns: no reader or closure per part, and one codec string per run of parts with the same
 * codec. (A peer keeps a PutBatch's views only while they fill most of their message:
 * core/shared-buffers.ts.)
 * @module
 */
import type { BatchPart, GetBatchResponse } from '../../../gen/proxymesh/v1/peer.js';
import { asBuffer } from './buffer-view.js';
import { LENGTH_DELIMITED, ProtoCursor, VARINT, tag } from './protobuf.js';

/** The `data` of a whole object that has none (shared: nothing can be written into zero bytes). */
const EMPTY: Buffer = Buffer.alloc(0);

/** One message being read (protobuf.ts's cursor), remembering the last codec text decoded. */
class Cursor extends ProtoCursor {
  #codecAt = -1;
  #codecLength = -1;
  #codec = '';

  constructor(override readonly bytes: Buffer) {
    super(bytes);
  }

  /** The text of `[this.pos, fieldEnd)`: the previous codec's string again when the bytes are the same. */
  codec(fieldEnd: number): string {
    const { bytes } = this;
    const start = this.pos;
    const length = fieldEnd - start;
    let same = length === this.#codecLength;
    for (let i = 0; same && i < length; i++) same = bytes[start + i] === bytes[this.#codecAt + i];
    if (!same) {
      this.#codec = bytes.toString('utf8', start, fieldEnd);
      this.#codecLength = length;
    }
    this.#codecAt = start;
    this.pos = fieldEnd;
    return this.#codec;
  }

  /** The oneof member `field` (1 whole, 2 header, 4 trailer, 5 missing) of `[this.pos, end)`. */
  member(field: number, end: number): NonNullable<BatchPart['part']> {
    let codec = '';
    let data: Buffer = EMPTY;
    let number = 0;
    while (this.pos < end) {
      const fieldTag = this.varint(end);
      const f = Math.floor(fieldTag / 8);
      const w = fieldTag % 8;
      if (f === 1 && w === LENGTH_DELIMITED && (field === 1 || field === 2)) codec = this.codec(this.fieldEnd(end));
      else if (f === 2 && w === LENGTH_DELIMITED && field === 1) data = this.view(end);
      else if ((f === 3 && w === VARINT && field === 1) || (f === 2 && w === VARINT && field === 2) || (f === 1 && w === VARINT && field === 4)) number = this.varint(end);
      else this.skip(w, end);
    }
    if (field === 1) return { $case: 'whole', value: { codec, data, crc32c: number >>> 0 } };
    if (field === 2) return { $case: 'header', value: { codec, size: BigInt(number) } };
    if (field === 4) return { $case: 'trailer', value: { crc32c: number >>> 0 } };
    return { $case: 'missing', value: {} };
  }

  /** A length-delimited field's content as a view. */
  view(end: number): Buffer {
    const fieldEnd = this.fieldEnd(end);
    const out = this.bytes.subarray(this.pos, fieldEnd);
    this.pos = fieldEnd;
    return out;
  }

  /** One BatchPart, `[this.pos, end)`: the last oneof member wins, as in any protobuf decoder. */
  part(end: number): BatchPart {
    let part: BatchPart['part'];
    while (this.pos < end) {
      const fieldTag = this.varint(end);
      const field = Math.floor(fieldTag / 8);
      const wireType = fieldTag % 8;
      if (wireType !== LENGTH_DELIMITED || field < 1 || field > 5) this.skip(wireType, end);
      else if (field === 3) part = { $case: 'data', value: this.view(end) };
      else {
        const memberEnd = this.fieldEnd(end);
        part = this.member(field, memberEnd);
        this.pos = memberEnd;
      }
    }
    return { part };
  }
}

/** GetBatchResponse.parts and PutBatchRequest.parts: field 1. */
const PARTS = tag(1);

/**
 * Decodes a GetBatchResponse or PutBatchRequest whose `data` fields are views into `bytes`.
 * @param bytes - the encoded message.
 * @returns the message, as the generated decoder would give it.
 * @throws Error when the bytes are not a well-formed message.
 */
export function decodeBatchMessage(bytes: Uint8Array): GetBatchResponse {
  const cursor = new Cursor(asBuffer(bytes));
  const end = bytes.byteLength;
  const parts: BatchPart[] = [];
  while (cursor.pos < end) {
    const fieldTag = cursor.varint(end);
    if (fieldTag !== PARTS) {
      cursor.skip(fieldTag % 8, end);
      continue;
    }
    const partEnd = cursor.fieldEnd(end);
    parts.push(cursor.part(partEnd));
    cursor.pos = partEnd;
  }
  return { parts };
}

/**
 * Protobuf's wire primitives for the hand-written codecs (wire-codec.ts, batch-codec.ts,
 * batch-decode.ts, batch-request.ts), in one place: wire types and tags, varint sizes, the
 * varint writer, and the two readers (a uint32 field, and the cursor that walks a message).
 * Every field of peer.proto the codecs write has a number below 16, so each tag is one byte.
 * @module
 */

/** Wire types of the fields the contract uses (fixed64 and fixed32 are only ever skipped). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

/**
 * A field's tag, `field << 3 | wireType`: one byte for field numbers below 16.
 * @param field - the field number in peer.proto.
 * @param wireType - how the field is encoded; length-delimited by default.
 */
export const tag = (field: number, wireType: number = LENGTH_DELIMITED): number => (field << 3) | wireType;

/** The bytes a varint of `value` (a non-negative integer, exact below 2^53) takes. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 5;
  for (let v = Math.floor(value / 0x800000000); v > 0; v = Math.floor(v / 0x80)) size += 1;
  return size;
}

/** The size of a length-delimited field with `length` bytes of content: tag, length, content. */
export const lengthDelimitedSize = (length: number): number => 1 + varintSize(length) + length;

/**
 * Writes a varint at `pos` (division, not bit shifts, so values past 2^31 stay exact).
 * @returns the position after it.
 */
export function writeVarint(out: Uint8Array, pos: number, value: number): number {
  let v = value;
  let at = pos;
  while (v >= 0x80) {
    out[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[at++] = v;
  return at;
}

/**
 * Reads a uint32 varint at `pos` as protobuf decoders do (at most 5 bytes, truncated to 32 bits).
 * @returns [value, next position], or `undefined` when the bytes end first.
 */
export function readVarint32(input: Uint8Array, pos: number): [number, number] | undefined {
  let value = 0;
  for (let i = 0; i < 5 && pos + i < input.byteLength; i++) {
    const byte = input[pos + i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return [value >>> 0, pos + i + 1];
  }
  return undefined;
}

/**
 * A position moving forward through one message, reading varints (as Numbers, exact below
 * 2^53, as the generated decoder's `longToBigint` of them) and field bounds; it throws on
 * bytes that are not protobuf. One object per message, no allocation per field.
 */
export class ProtoCursor {
  pos = 0;

  constructor(readonly bytes: Uint8Array) {}

  /** A varint ending before `end`. */
  varint(end: number): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= end) throw new Error('a varint runs past the end of its message');
      const byte = this.bytes[this.pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new Error('a varint is longer than 10 bytes');
    }
  }

  /** The end of the length-delimited field starting here; the cursor stays at its content. */
  fieldEnd(end: number): number {
    const length = this.varint(end);
    if (length > end - this.pos) throw new Error('a field runs past the end of its message');
    return this.pos + length;
  }

  /** Moves past a field of `wireType` whose tag was just read. */
  skip(wireType: number, end: number): void {
    if (wireType === VARINT) this.varint(end);
    else if (wireType === LENGTH_DELIMITED) this.pos = this.fieldEnd(end);
    else if (wireType === FIXED64 || wireType === FIXED32) this.pos += wireType === FIXED64 ? 8 : 4;
    else throw new Error(`wire type ${wireType} is not used by this contract`);
    if (this.pos > end) throw new Error('a field runs past the end of its message');
  }
}

/**
 * The protobuf primitives every hand-written codec uses (src/mesh/wire/protobuf.ts): sizes agree with
 * what is written, and the readers give back what was written, at every varint length.
 */
import { describe, expect, it } from 'vitest';
import { ProtoCursor, readVarint32, tag, VARINT, varintSize, writeVarint } from '../../src/mesh/wire/protobuf.js';

const samples = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0xffffffff, 2 ** 32, 2 ** 35, 2 ** 42 + 5, Number.MAX_SAFE_INTEGER];

describe('protobuf primitives', () => {
  // varintSize is exactly the number of bytes writeVarint writes, and the cursor reads the value back.
  it('size, write and read a varint alike at every length', () => {
    for (const value of samples) {
      const out = new Uint8Array(10);
      const end = writeVarint(out, 0, value);
      expect(end, String(value)).toBe(varintSize(value));
      const cursor = new ProtoCursor(out);
      expect(cursor.varint(end)).toBe(value);
      expect(cursor.pos).toBe(end);
    }
  });

  // A uint32 field reads as protobuf decoders read it: at most 5 bytes, truncated to 32 bits.
  it('reads uint32 varints, and nothing from bytes that end first', () => {
    const out = new Uint8Array(10);
    writeVarint(out, 0, 0xffffffff);
    expect(readVarint32(out, 0)).toEqual([0xffffffff, 5]);
    expect(readVarint32(Uint8Array.of(0x80, 0x80), 0)).toBeUndefined();
  });

  // Tags are field << 3 | wire type, length-delimited unless said otherwise.
  it('makes tags from field numbers', () => {
    expect(tag(1)).toBe(0x0a);
    expect(tag(3)).toBe(0x1a);
    expect(tag(3, VARINT)).toBe(0x18);
  });

  // Malformed bytes are refused with a reason, never read past their message.
  it('refuses varints that run past their message or past 10 bytes', () => {
    expect(() => new ProtoCursor(Uint8Array.of(0x80)).varint(1)).toThrow('runs past the end');
    expect(() => new ProtoCursor(new Uint8Array(11).fill(0x80)).varint(11)).toThrow('longer than 10 bytes');
  });
});

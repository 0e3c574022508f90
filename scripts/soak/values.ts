/**
 * Values whose bytes follow from a small spec `{id, size}`: the writer sends the spec along with
 * the key, and any reader regenerates the bytes and compares them, so every value read back is
 * checked byte for byte without shipping the data twice.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Prng } from '../lib/prng.js';

/** Names a value: its bytes are a function of `id` and `size`. */
export interface ValueSpec {
  readonly id: string;
  readonly size: number;
}

/** The bytes of a spec: xorshift32 seeded from SHA-256 of the id, so any process derives the same. */
export function valueBytes(spec: ValueSpec): Buffer {
  const seed = createHash('sha256').update(spec.id).digest();
  let x = seed.readUInt32LE(0) || 0x9e3779b9;
  const words = new Uint32Array(Math.ceil(spec.size / 4));
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, spec.size);
}

/** Why `data` is not the spec's value, or undefined when it is, byte for byte. */
export function mismatch(spec: ValueSpec, data: Uint8Array | undefined): string | undefined {
  if (data === undefined) return `value ${spec.id} is missing`;
  if (data.byteLength !== spec.size) return `value ${spec.id} has ${data.byteLength} bytes, expected ${spec.size}`;
  const expected = valueBytes(spec);
  if (!expected.equals(data)) {
    let at = 0;
    while (at < data.byteLength && data[at] === expected[at]) at++;
    return `value ${spec.id} (${spec.size} bytes) differs from byte ${at}`;
  }
  return undefined;
}

/** A value size: mostly small, some medium, a few large enough to travel in several pieces. */
export function valueSize(rng: Prng, max: number): number {
  const r = rng.next();
  const size = r < 0.05 ? rng.int(0, 64) : r < 0.75 ? rng.int(64, 4096) : r < 0.96 ? rng.int(4096, 65_536) : rng.int(256 * 1024, max);
  return Math.min(size, max);
}

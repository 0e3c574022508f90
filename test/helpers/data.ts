/** Deterministic test payloads and their digests, so processes can compare bytes cheaply. */
import { createHash } from 'node:crypto';

/** `size` bytes derived from `seed`: the same inputs give the same bytes in any process. */
export function patternBytes(size: number, seed: string): Buffer {
  const block = Buffer.alloc(64 * 1024);
  let counter = 0;
  for (let off = 0; off < block.length; off += 32) {
    createHash('sha256').update(`${seed}:${counter++}`).digest().copy(block, off);
  }
  const out = Buffer.allocUnsafe(size);
  for (let off = 0; off < size; off += block.length) block.copy(out, off, 0, Math.min(block.length, size - off));
  return out;
}

/** Hex SHA-256 of some bytes. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

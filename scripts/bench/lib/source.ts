/**
 * Bytes to send: views of one buffer per process, grown to the largest size asked for, so
 * producing an object costs nothing inside a timed loop.
 * @module
 */
let source = Buffer.alloc(0);

/** `size` bytes of a fixed pattern (a view, not a copy: never modify it). */
export function sourceBytes(size: number): Buffer {
  if (source.byteLength < size) {
    source = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i += 4096) source.fill(i & 0xff, i, Math.min(size, i + 4096));
  }
  return source.subarray(0, size);
}

/** Drops the buffer (after the largest transfers). */
export function releaseSource(): void {
  source = Buffer.alloc(0);
}

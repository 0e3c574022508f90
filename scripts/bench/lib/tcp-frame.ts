/**
 * The raw TCP baseline's framing: a 9-byte request (op byte, size as float64 LE). `G` asks for
 * `size` bytes; `P` is followed by `size` bytes and answered with one byte.
 * @module
 */

/** Request header length. */
export const HEADER_BYTES = 9;
export const OP_GET = 0x47;
export const OP_PUT = 0x50;

/** A request header. */
export function header(op: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(HEADER_BYTES);
  b[0] = op;
  b.writeDoubleLE(size, 1);
  return b;
}

/**
 * Reads exactly `n` bytes at a time from a socket's data events, copying each piece into the
 * destination as it arrives (one copy, no whole-object buffering).
 */
export class Reader {
  #chunks: Buffer[] = [];
  #want: { out: Buffer; filled: number; done: (b: Buffer) => void } | undefined;

  /** Feed a data event. */
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#drain();
  }

  /** Resolves with the next `n` bytes, copied into `target` when given. */
  read(n: number, target?: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.#want = { out: target ?? Buffer.allocUnsafe(n), filled: 0, done: resolve };
      this.#drain();
    });
  }

  #drain(): void {
    const want = this.#want;
    if (!want) return;
    const n = want.out.byteLength;
    while (want.filled < n && this.#chunks.length > 0) {
      const head = this.#chunks[0] as Buffer;
      const take = Math.min(head.byteLength, n - want.filled);
      head.copy(want.out, want.filled, 0, take);
      want.filled += take;
      if (take === head.byteLength) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(take);
    }
    if (want.filled < n) return;
    this.#want = undefined;
    want.done(want.out);
  }
}

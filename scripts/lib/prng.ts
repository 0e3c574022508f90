/** A small seeded PRNG (mulberry32): a fuzz or soak run is reproduced exactly from its printed seed. */

export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The generator of case `index` of a run: each case's input depends on the seed and its index only. */
  static forCase(seed: number, index: number): Prng {
    return new Prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  }

  /** A uniform float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** `length` random bytes. */
  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i += 4) {
      const word = Math.floor(this.next() * 4294967296);
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** A length skewed towards small values: mostly under 64, sometimes up to `max`. */
  length(max: number): number {
    const r = this.next();
    if (r < 0.1) return 0;
    if (r < 0.7) return this.int(1, 64);
    if (r < 0.95) return this.int(65, Math.min(max, 4096));
    return this.int(1, max);
  }

  /** `length` random lowercase hex digits. */
  hex(length: number): string {
    return this.bytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
  }
}

/**
 * A map bounded by its number of entries that drops the least recently used one first, kept in a
 * `Map`'s insertion order: a lookup moves its entry to the end, and a set past `max` drops the
 * first. That is all the store's object cache and a connector's capabilities need.
 *
 * Why not lru-cache: loading its module took 12–19 ms in every thread that imports it (a fresh
 * process's main thread, and again in the blocking bridge), and it allocates arrays for `max`
 * entries up front: 13 ms and 3.8 MiB for the 100,000 owner capabilities every `MeshConnector`
 * keeps room for. Start-up and memory per process are what many short-lived processes pay.
 * @module
 */

/** Least recently used entries out first, past `max` entries. */
export class LruMap<K, V> {
  readonly #max: number;
  readonly #entries = new Map<K, V>();

  /**
   * @param max - the most entries kept, a whole number of at least 1.
   * @throws RangeError for another `max`.
   */
  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`An LruMap keeps at least 1 entry; got max ${max}.`);
    this.#max = max;
  }

  /** How many entries it holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, which becomes the most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Whether `key` is held, without making it more recently used. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Sets `key` as the most recently used, dropping the least recently used entry past `max`. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  /** Drops `key`; whether it was held. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}

/**
 * The store's cache of deserialised objects: least recently used first out, by key.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { LruMap } from '../util/lru-map.js';

/** Told of every lookup, for metrics. */
export interface CacheObserver {
  /** A lookup found the key. */
  hit(id: string): void;
  /** A lookup did not. */
  miss(id: string): void;
}

/** A cached object, boxed so that `undefined` (a value the v8 codec carries) can be cached too. */
export interface Cached<T = unknown> {
  /** The cached object (possibly `undefined`). */
  readonly value: T;
}

/**
 * An LRU cache of objects by canonical key id; size 0 caches nothing.
 */
export class ObjectCache {
  readonly #lru: LruMap<string, Cached> | undefined;
  readonly #observer: CacheObserver | undefined;

  /**
   * @param size - the most objects kept; 0 disables the cache.
   * @param observer - told of hits and misses.
   * @throws InvalidArgumentError when size is negative or not an integer.
   */
  constructor(size: number, observer?: CacheObserver) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new InvalidArgumentError(`cacheSize must be a whole number of objects, 0 or more (0 disables the cache): got ${size}.`);
    }
    this.#lru = size === 0 ? undefined : new LruMap<string, Cached>(size);
    this.#observer = observer;
  }

  /**
   * Looks an object up and marks it recently used.
   * @param id - the key's canonical id.
   * @returns the boxed object, or `undefined` on a miss.
   */
  get(id: string): Cached | undefined {
    const hit = this.#lru?.get(id);
    if (hit === undefined) this.#observer?.miss(id);
    else this.#observer?.hit(id);
    return hit;
  }

  /**
   * Whether the key is cached, without counting a lookup or refreshing its place.
   * @param id - the key's canonical id.
   * @returns true when cached.
   */
  has(id: string): boolean {
    return this.#lru?.has(id) ?? false;
  }

  /**
   * Caches an object (nothing, when the cache is disabled).
   * @param id - the key's canonical id.
   * @param value - the deserialised object.
   */
  set(id: string, value: unknown): void {
    this.#lru?.set(id, { value });
  }

  /**
   * Drops a key.
   * @param id - the key's canonical id.
   */
  delete(id: string): void {
    this.#lru?.delete(id);
  }

  /** Drops everything. */
  clear(): void {
    this.#lru?.clear();
  }
}

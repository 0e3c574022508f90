/**
 * A store's metrics (opt-in with `metrics: true`), as ProxyStore keeps them: per key and in
 * aggregate, the time of each operation and of its serialise/connector parts, cache hits and
 * misses, and object sizes. This module only holds the numbers; `metered.ts` collects them.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import { keyId } from './key-id.js';

/** Timing statistics of one operation, in milliseconds. */
export interface TimeStats {
  /** How many times it ran. */
  readonly count: number;
  /** Total time. */
  readonly totalMs: number;
  /** Mean time. */
  readonly avgMs: number;
  /** Shortest time. */
  readonly minMs: number;
  /** Longest time. */
  readonly maxMs: number;
  /** Time of the latest run. */
  readonly lastMs: number;
}

/** What is known about one key. */
export interface KeyMetrics {
  /** Facts about the object, e.g. `objectSize` in bytes (as of the latest put, set or get). */
  readonly attributes: Readonly<Record<string, number>>;
  /** Event counts, e.g. `cache.hits`, `cache.misses`. */
  readonly counters: Readonly<Record<string, number>>;
  /** Operation times by name, e.g. `get`, `get.connector`, `get.deserialize`. */
  readonly times: Readonly<Record<string, TimeStats>>;
}

interface Table {
  readonly attributes: Map<string, number>;
  readonly counters: Map<string, number>;
  readonly times: Map<string, TimeStats>;
}

const table = (): Table => ({ attributes: new Map(), counters: new Map(), times: new Map() });

function addTo(times: Map<string, TimeStats>, name: string, ms: number): void {
  const t = times.get(name);
  const count = (t?.count ?? 0) + 1;
  const totalMs = (t?.totalMs ?? 0) + ms;
  times.set(name, { count, totalMs, avgMs: totalMs / count, minMs: Math.min(t?.minMs ?? ms, ms), maxMs: Math.max(t?.maxMs ?? ms, ms), lastMs: ms });
}

function snapshot(t: Table): KeyMetrics {
  return { attributes: Object.fromEntries(t.attributes), counters: Object.fromEntries(t.counters), times: Object.fromEntries(t.times) };
}

/**
 * A store's metrics. Per-key entries grow with the number of keys seen, so metrics are for
 * profiling runs, off by default.
 */
export class StoreMetrics {
  readonly #keys = new Map<string, Table>();
  readonly #all = table();

  /**
   * Everything recorded about one key.
   * @param key - a key of the store.
   * @returns its metrics; empty tables when nothing was recorded.
   */
  getMetrics(key: JsonValue): KeyMetrics {
    return snapshot(this.#keys.get(keyId(key)) ?? table());
  }

  /**
   * Operation times over every key, batch operations included.
   * @returns times by operation name.
   */
  aggregateTimes(): Record<string, TimeStats> {
    return Object.fromEntries(this.#all.times);
  }

  /**
   * Event counts over every key.
   * @returns counts by name, e.g. `cache.hits`.
   */
  aggregateCounters(): Record<string, number> {
    return Object.fromEntries(this.#all.counters);
  }

  /**
   * Records one run of an operation, in the aggregate and for each key.
   * @param name - the operation, e.g. `put` or `put.serialize`.
   * @param ms - how long it took.
   * @param ids - canonical ids of the keys it concerned (none for batches: see `metered.ts`).
   */
  addTime(name: string, ms: number, ids: readonly string[]): void {
    addTo(this.#all.times, name, ms);
    for (const id of ids) addTo(this.#key(id).times, name, ms);
  }

  /**
   * Counts an event, in the aggregate and for the key.
   * @param name - the event, e.g. `cache.hits`.
   * @param id - canonical id of the key.
   */
  addCount(name: string, id: string): void {
    this.#all.counters.set(name, (this.#all.counters.get(name) ?? 0) + 1);
    const counters = this.#key(id).counters;
    counters.set(name, (counters.get(name) ?? 0) + 1);
  }

  /**
   * Sets a fact about a key.
   * @param name - e.g. `objectSize`.
   * @param id - canonical id of the key.
   * @param value - the value.
   */
  setAttribute(name: string, id: string, value: number): void {
    this.#key(id).attributes.set(name, value);
  }

  /** Forgets everything recorded. */
  reset(): void {
    this.#keys.clear();
    this.#all.attributes.clear();
    this.#all.counters.clear();
    this.#all.times.clear();
  }

  #key(id: string): Table {
    let t = this.#keys.get(id);
    if (!t) this.#keys.set(id, (t = table()));
    return t;
  }
}

/**
 * The keys a lifetime holds, grouped by store and counted once each, and their eviction.
 * @module
 */
import type { JsonValue } from '../../core/protocol.js';
import { keyId } from '../key-id.js';
import type { LifetimeStore } from './lifetime.js';

/** A store to open later: the store of a revived proxy, found by name or rebuilt. */
export interface StoreOpener {
  /**
   * Finds or rebuilds the store.
   * @returns the store.
   */
  open(): Promise<LifetimeStore>;
}

/** A store now, or one to open later. */
export type StoreHandle = LifetimeStore | StoreOpener;

/** Keys by store, deduplicated by their canonical id. */
export class AttachedKeys {
  readonly #byStore = new Map<StoreHandle, Map<string, JsonValue>>();

  /** How many keys are attached. */
  get size(): number {
    let n = 0;
    for (const keys of this.#byStore.values()) n += keys.size;
    return n;
  }

  /**
   * Attaches keys of one store.
   * @param store - the store, or a handle that opens it.
   * @param keys - the keys.
   */
  add(store: StoreHandle, keys: readonly JsonValue[]): void {
    let held = this.#byStore.get(store);
    if (held === undefined) this.#byStore.set(store, (held = new Map<string, JsonValue>()));
    for (const key of keys) held.set(keyId(key), key);
  }

  /**
   * Evicts every key once, then forgets them all; optionally closes the stores afterwards.
   * @param closeStores - close each store once its keys are evicted.
   * @returns how many keys were evicted.
   * @throws AggregateError naming how many evictions failed (all were tried).
   */
  async evictAll(closeStores: boolean): Promise<number> {
    const groups = [...this.#byStore];
    this.#byStore.clear();
    const failures: unknown[] = [];
    let count = 0;
    for (const [handle, keys] of groups) {
      try {
        const store = 'open' in handle ? await handle.open() : handle;
        const results = await Promise.allSettled([...keys.values()].map((key) => store.evict(key as never)));
        for (const r of results) if (r.status === 'rejected') failures.push(r.reason);
        count += results.length - results.filter((r) => r.status === 'rejected').length;
        if (closeStores) await store.close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `A lifetime could not evict ${failures.length} of its objects; they stay stored (see errors).`);
    return count;
  }
}

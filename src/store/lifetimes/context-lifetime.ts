/**
 * `ContextLifetime`, ProxyStore's context-manager lifetime: `await using lifetime = new
 * ContextLifetime(store)` evicts every object attached to it when the block exits.
 * @module
 */
import type { JsonValue } from '../../core/protocol.js';
import { BaseLifetime, type LifetimeOptions } from './base-lifetime.js';
import type { LifetimeStore } from './lifetime.js';
import { storeKeyOf } from './proxy-key.js';

/**
 * A lifetime that ends when closed, or when the `await using` block that holds it exits.
 * @example
 * ```ts
 * const store = new Store('work', new LocalConnector());
 * {
 *   await using lifetime = new ContextLifetime(store);
 *   const key = await store.put('value', { lifetime });
 *   const p = await store.proxy([1, 2, 3], { lifetime });
 * } // both objects are evicted here
 * ```
 */
export class ContextLifetime extends BaseLifetime {
  /** The store whose keys this lifetime evicts. */
  readonly store: LifetimeStore;

  /**
   * @param store - the store that makes, and will evict, the objects attached.
   * @param options - a `name` for messages.
   */
  constructor(store: LifetimeStore, options: LifetimeOptions = {}) {
    super(options.name);
    this.store = store;
  }

  /**
   * Attaches keys of this lifetime's store.
   * @param keys - the keys.
   * @param _store - ignored: the keys must belong to the lifetime's own store.
   * @throws LifetimeEndedError when the lifetime has ended.
   */
  addKey(keys: readonly JsonValue[], _store?: LifetimeStore): void {
    this.attach(this.store, keys);
  }

  /**
   * Attaches the objects of proxies made by this lifetime's store.
   * @param proxies - the proxies.
   * @throws ProxyStoreFactoryError when a proxy's factory is not a store's.
   * @throws LifetimeEndedError when the lifetime has ended.
   */
  addProxy(...proxies: unknown[]): void {
    this.assertLive();
    this.attach(
      this.store,
      proxies.map((p) => storeKeyOf(p).key),
    );
  }

  /**
   * How the lifetime shows in logs.
   * @returns `ContextLifetime(name=…, store=…)`.
   */
  override toString(): string {
    return `${this.constructor.name}(name=${this.name}, store=${this.store.name})`;
  }
}

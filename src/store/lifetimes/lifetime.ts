/**
 * The `Lifetime` protocol, ProxyStore's `proxystore.store.lifetimes.Lifetime`: objects attached
 * to a lifetime are evicted, once, when it ends, whether or not proxies of them remain.
 * @module
 */
import type { JsonValue } from '../../core/protocol.js';

/** The part of a store a lifetime needs: evicting its keys, and closing it on request. */
export interface LifetimeStore {
  /** The store's name, for messages. */
  readonly name: string;
  /**
   * Removes an object; a missing key is fine.
   * @param key - its key.
   */
  evict(key: never): Promise<void>;
  /**
   * Gives an object a time to live kept by the store's connector, if it can (`Store` does).
   * @param key - its key.
   * @param ttlMs - milliseconds from now.
   * @returns whether the connector took it.
   */
  expire?(key: never, ttlMs: number): Promise<boolean>;
  /** Closes the store. */
  close(): Promise<void>;
}

/** Options of `Lifetime.close`. */
export interface LifetimeCloseOptions {
  /** Also close the stores whose keys the lifetime held. Default false. */
  readonly closeStores?: boolean | undefined;
}

/**
 * A lifetime: a set of keys evicted together when it ends. `ContextLifetime`,
 * `LeaseLifetime` and `StaticLifetime` implement it; so can your own class, which every
 * `lifetime` option of `Store` accepts.
 */
export interface Lifetime {
  /** A name for messages and logs. */
  readonly name: string;
  /**
   * Attaches keys: their objects are evicted when the lifetime ends.
   * @param keys - keys of objects stored by `store` (or by the lifetime's own store).
   * @param store - the store that holds them (`StaticLifetime` needs it; others use their own).
   * @throws LifetimeEndedError when the lifetime has ended.
   */
  addKey(keys: readonly JsonValue[], store?: LifetimeStore): void;
  /**
   * Attaches the objects of proxies (owned ones included) by their keys.
   * @param proxies - proxies made by a store.
   * @throws ProxyStoreFactoryError when a proxy's factory is not a store's.
   * @throws LifetimeEndedError when the lifetime has ended.
   */
  addProxy(...proxies: unknown[]): void;
  /**
   * Ends the lifetime and evicts every attached object, once. Idempotent: a second call returns
   * the first call's promise.
   * @param options - `closeStores`.
   * @throws AggregateError when some evictions failed (after trying them all).
   */
  close(options?: LifetimeCloseOptions): Promise<void>;
  /**
   * Whether the lifetime has ended (or is ending): attaching is refused from then on.
   * @returns true once `close` has started.
   */
  done(): boolean;
}

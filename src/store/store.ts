/**
 * `Store`: ProxyStore's Store in TypeScript. On top of storing objects (`ObjectStore`) it makes
 * proxies and futures, which carry only a key and the store's config, and it can register
 * itself under its name so proxies arriving from other processes find it.
 * @module
 */
import { issuesCapabilities } from '../core/connector-guards.js';
import type { Connector, JsonValue } from '../core/protocol.js';
import { connectorFromConfig } from '../connectors/registry.js';
import { Future } from './future.js';
import type { StoreConfig } from '../core/reference.js';
import { ObjectStore } from './object-store.js';
import type { FutureOptions, ProxyFromKeyOptions, ProxyOptions, StoreOptions } from './options.js';
import { attachKeys, checkLifetime } from './lifetimes/attach.js';
import { intoOwned } from './ownership/owned.js';
import type { OwnedProxy } from './ownership/types.js';
import { isProxiable, nonProxiableError, shapeOf } from './proxiable.js';
import { registerStore, unregisterStore } from './registry.js';
import { parseStoreConfig } from './store-config.js';
import { checkDeserializerTag, withCodecSerializer } from './reference-extras.js';
import { makeProxy } from './store-proxy.js';
import { fixedSource, type StoreSource } from './store-source.js';

/**
 * A named store of objects over a connector, with proxies and futures.
 * @typeParam K - the connector's key type.
 * @example
 * ```ts
 * await using store = new Store('data', new LocalConnector());
 * const key = await store.put(new Map([[1, 'one']]));
 * const map = await store.get<Map<number, string>>(key);
 * const p = await store.proxy({ rows: [1, 2, 3] }); // travels as {key, store config}
 * ```
 */
export class Store<K extends JsonValue = JsonValue> extends ObjectStore<K> {
  #source: StoreSource | undefined;
  // Made with `register: true`: its config says so, and stores rebuilt from it register too.
  readonly #autoRegister: boolean;

  /**
   * @param name - the store's name, unique among registered stores in this process.
   * @param connector - where the bytes go; the store closes it on `close()`.
   * @param options - serializers, cache size, metrics, `populateTarget`, `register`.
   * @throws InvalidArgumentError when the name is empty or `cacheSize` is negative or fractional.
   * @throws StoreExistsError when `register` is set and another store has the name.
   */
  constructor(name: string, connector: Connector<K>, options: StoreOptions = {}) {
    super(name, connector, options);
    this.#autoRegister = options.register === true;
    if (this.#autoRegister) registerStore(this);
  }

  /**
   * Rebuilds a store from the config another process's `store.config()` returned. Custom
   * serializers do not travel; the store uses the codec registry.
   * @param config - the config (see `readStoreConfig` for one kept in a file).
   * @returns a new store, registered when the config has `autoRegister: true`.
   * @throws InvalidArgumentError when the config is malformed or names an unknown connector kind.
   * @throws StoreExistsError when `autoRegister` is set and another store has the name.
   */
  static async fromConfig(config: StoreConfig): Promise<Store> {
    const { name, connector, options } = parseStoreConfig(config);
    const built = await connectorFromConfig(connector);
    try {
      return new Store(name, built, { ...options, register: options.autoRegister === true });
    } catch (error) {
      await built.close();
      throw error;
    }
  }

  /**
   * What rebuilds this store elsewhere: name, connector config, the JSON store options, and
   * `autoRegister: true` when the store was made with `register: true`.
   * @returns the config.
   */
  override config(): StoreConfig {
    const config = super.config();
    return this.#autoRegister ? { ...config, autoRegister: true } : config;
  }

  /**
   * Stores an object and returns a proxy of it: a stand-in that carries only the key and this
   * store's config, and resolves on first use wherever it is.
   * @param obj - the object.
   * @param options - `evict` for a one-shot proxy, `populateTarget`, `skipNonproxiable`, serializer, `lifetime`.
   * @returns the proxy, typed as the object (or `obj` itself when skipped as non-proxiable).
   * @throws TypeError when the value cannot be proxied (`null`, `undefined`, booleans) and
   * `skipNonproxiable` is not set, or a custom serializer returns something other than bytes.
   * @throws InvalidArgumentError when `deserializer` names no registered codec.
   * @throws SerializationError when the object cannot be serialised.
   * @throws InvalidArgumentError when both `evict` and `lifetime` are set.
   * @throws LifetimeEndedError when `lifetime` has ended (nothing is stored).
   */
  proxy<T>(obj: T, options: ProxyOptions = {}): Promise<T> {
    return this.measure('proxy', () => this.#proxy(obj, options), () => []);
  }

  async #proxy<T>(obj: T, options: ProxyOptions): Promise<T> {
    checkLifetime(options.lifetime, options.evict);
    if (!isProxiable(obj)) {
      if (options.skipNonproxiable === true) return obj;
      throw nonProxiableError(obj);
    }
    const key = await this.put(obj, withCodecSerializer(options));
    return this.#proxyOf(key, obj, options);
  }

  /**
   * Stores an object and returns its owner: a proxy that evicts the object when released
   * (`using`, `release`) or garbage-collected, and can be borrowed (`borrow`, `mutBorrow`).
   * @param obj - the object.
   * @param options - `populateTarget`, `skipNonproxiable`, serializer.
   * @returns the `OwnedProxy` (or `obj` itself when skipped as non-proxiable).
   * @throws TypeError / SerializationError as `proxy`.
   * @example
   * ```ts
   * using owned = await store.ownedProxy({ rows: [1, 2, 3] });
   * ```
   */
  async ownedProxy<T>(obj: T, options: Omit<ProxyOptions, 'evict' | 'lifetime'> = {}): Promise<OwnedProxy<T>> {
    const proxy = await this.proxy(obj, options);
    if (!isProxiable(obj)) return proxy as OwnedProxy<T>; // skipped: returned as it is
    return intoOwned(proxy, { populateTarget: options.populateTarget ?? this.populateTarget });
  }

  /**
   * Stores several objects in one batch and returns a proxy of each.
   * @param objs - the objects.
   * @param options - as `proxy`, for all of them.
   * @returns the proxies, in order (non-proxiable values as they are, when skipped).
   * @throws TypeError / SerializationError / InvalidArgumentError / LifetimeEndedError as `proxy`.
   */
  proxyBatch<T>(objs: readonly T[], options: ProxyOptions = {}): Promise<T[]> {
    return this.measure('proxyBatch', () => this.#proxyBatch(objs, options), () => []);
  }

  async #proxyBatch<T>(objs: readonly T[], options: ProxyOptions): Promise<T[]> {
    checkLifetime(options.lifetime, options.evict);
    const proxiable = objs.filter((o) => isProxiable(o));
    if (proxiable.length < objs.length && options.skipNonproxiable !== true) throw nonProxiableError(objs.find((o) => !isProxiable(o)));
    const keys = await this.putBatch(proxiable, withCodecSerializer(options));
    let next = 0;
    return objs.map((obj) => (isProxiable(obj) ? this.#proxyOf(keys[next++] as K, obj, options) : obj));
  }

  /**
   * A proxy of an object already stored under `key`. (For a future's key use `future.proxy()`,
   * whose proxy waits for the value; this one reports a missing key.)
   * @param key - its key.
   * @param options - `evict` for a one-shot proxy, the target's `shape`, a `lifetime` to attach the key to.
   * @returns the proxy; it resolves on first use.
   * @throws ClosedError when the store is closed.
   * @throws InvalidArgumentError when both `evict` and `lifetime` are set.
   * @throws LifetimeEndedError when `lifetime` has ended.
   */
  proxyFromKey<T = unknown>(key: K, options: ProxyFromKeyOptions = {}): T {
    this.assertOpen();
    checkLifetime(options.lifetime, options.evict);
    if (options.deserializer !== undefined) checkDeserializerTag(options.deserializer);
    options.lifetime?.addKey([key], this);
    const { deserializer, resolveTimeoutMs: timeoutMs } = options;
    return makeProxy<T>(this.#self(), { wait: false, key, evict: options.evict ?? false, shape: options.shape ?? 'object', deserializer, timeoutMs });
  }

  /**
   * A future: a key whose value will be set later, by any process that holds the future.
   * @param options - `evict`, the value's `shape`, polling, signal and deadline for `newKey`, a `lifetime`.
   * @returns the future.
   * @throws NotImplementedError when the connector is not a `DeferrableConnector`.
   * @throws InvalidArgumentError when both `evict` and `lifetime` are set.
   * @throws LifetimeEndedError when `lifetime` has ended (no key is made).
   */
  future<T = unknown>(options: FutureOptions = {}): Promise<Future<T>> {
    return this.measure('future', () => this.#future<T>(options), (future) => [future.key]);
  }

  async #future<T>(options: FutureOptions): Promise<Future<T>> {
    checkLifetime(options.lifetime, options.evict);
    const key = await this.newKey(options);
    await attachKeys(options.lifetime, this, [key]);
    const { evict, shape, polling, resolveTimeoutMs: timeoutMs } = options;
    // The capability to set the key travels inside the future only, never inside its proxies.
    const capability = issuesCapabilities(this.connector) ? this.connector.capabilityFor(key) : undefined;
    return new Future<T>(this.#self(), key, { evict, shape, polling, capability, timeoutMs });
  }

  /**
   * Leaves the registry (if registered) and closes the connector. Idempotent; the store is
   * unusable after.
   */
  override async close(): Promise<void> {
    unregisterStore(this);
    await super.close();
  }

  #proxyOf<T>(key: K, obj: T, options: ProxyOptions): T {
    const populate = options.populateTarget ?? this.populateTarget;
    const { deserializer, resolveTimeoutMs: timeoutMs } = options;
    const reference = { wait: false, key, evict: options.evict ?? false, shape: shapeOf(obj), deserializer, timeoutMs } as const;
    return makeProxy<T>(this.#self(), populate ? { ...reference, target: obj } : reference);
  }

  // Proxies made here resolve through this very store, not one looked up by name.
  #self(): StoreSource {
    this.#source ??= fixedSource(this as Store);
    return this.#source;
  }
}

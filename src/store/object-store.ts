/**
 * `ObjectStore`: the half of ProxyStore's Store that stores objects: it serialises them into a
 * connector, caches what it reads, waits for deferred keys, and measures itself when asked.
 * `Store` (in `store.ts`) adds proxies, futures and the registry on top.
 * @module
 */
import { callScope } from '../core/call-options.js';
import { isDeferrable, isExpirable, isReplaceable } from '../core/connector-guards.js';
import type { CallOptions, Connector, JsonValue, Payload } from '../core/protocol.js';
import type { PlacementOptions } from '../connectors/multi-policy.js';
import { ClosedError, InvalidArgumentError, NotImplementedError } from '../errors.js';
import type { StoreConfig } from '../core/reference.js';
import type { Deserializer, Serializer } from '../serialize/custom.js';
import { describeKey } from '../serialize/describe.js';
import { ObjectCache, type Cached } from './cache.js';
import { keyId } from './key-id.js';
import { attachKeys, checkLifetime } from './lifetimes/attach.js';
import { Meter, meterCodec, meterConnector, operationRunner, type OperationRunner } from './metered.js';
import { StoreMetrics } from './metrics.js';
import type { GetOptions, PutOptions, SetOptions, StoreOptions, WaitOptions } from './options.js';
import { makeStoreConfig } from './store-config.js';
import { storeCodec, type StoreCodec } from './store-codec.js';
import { readSync } from './sync-read.js';
import { waitForPayload } from './wait-for-key.js';

// A connector gets only the call options, never the store's own (serializer, default…).
const callOptions = (o: CallOptions): CallOptions => ({ signal: o.signal, timeoutMs: o.timeoutMs });
// ...and where a new key is made, the tags a MultiConnector routes by (other connectors ignore them).
const placementOptions = (o: CallOptions & PlacementOptions): CallOptions & PlacementOptions => ({
  ...callOptions(o),
  ...(o.subsetTags !== undefined ? { subsetTags: o.subsetTags } : {}),
  ...(o.supersetTags !== undefined ? { supersetTags: o.supersetTags } : {}),
});

/**
 * A named store of objects over a connector; use its subclass `Store`, which adds proxies,
 * futures and registration.
 * @typeParam K - the connector's key type.
 */
export class ObjectStore<K extends JsonValue = JsonValue> implements AsyncDisposable {
  /** The name: its identity in this process's registry and in every proxy's reference. */
  readonly name: string;
  /** The connector the bytes go to. */
  readonly connector: Connector<K>;
  /** The store's serializer, when custom. */
  readonly serializer: Serializer | undefined;
  /** The store's deserializer, when custom. */
  readonly deserializer: Deserializer | undefined;
  /** Objects kept in the cache; 0 when disabled. */
  readonly cacheSize: number;
  /** Whether proxies made here start resolved. */
  readonly populateTarget: boolean;
  /** Timings, cache hits and sizes, when the store was built with `metrics: true`. */
  readonly metrics: StoreMetrics | undefined;

  /**
   * How each public operation runs: as it is, or timed into `metrics` (`metered.ts`).
   * @internal
   */
  protected readonly measure: OperationRunner;
  // Connector and codec as the store uses them: measured views when metrics are on.
  readonly #io: Connector<K>;
  readonly #codec: StoreCodec;
  readonly #cache: ObjectCache;
  #config: StoreConfig | undefined;
  #closed = false;

  /**
   * @param name - the store's name, unique among registered stores in this process.
   * @param connector - where the bytes go; the store closes it on `close()`.
   * @param options - serializers, cache size, metrics, `populateTarget`, `register`.
   * @throws InvalidArgumentError when the name is empty or `cacheSize` is negative.
   */
  constructor(name: string, connector: Connector<K>, options: StoreOptions = {}) {
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(`A store needs a non-empty name: got ${JSON.stringify(name)}.`);
    this.name = name;
    this.connector = connector;
    this.serializer = options.serializer;
    this.deserializer = options.deserializer;
    this.cacheSize = options.cacheSize ?? 16;
    this.populateTarget = options.populateTarget ?? true;
    const codec = storeCodec(options.serializer, options.deserializer);
    if (options.metrics === true) {
      const meter = new Meter((this.metrics = new StoreMetrics()));
      this.#io = meterConnector(connector, meter);
      this.#codec = meterCodec(codec, meter);
      this.#cache = new ObjectCache(this.cacheSize, meter.cacheObserver());
      this.measure = operationRunner(meter);
    } else {
      this.metrics = undefined;
      this.#io = connector;
      this.#codec = codec;
      this.#cache = new ObjectCache(this.cacheSize);
      this.measure = operationRunner(undefined);
    }
  }

  /**
   * What rebuilds this store elsewhere: name, connector config and the JSON store options.
   * @returns the config.
   */
  config(): StoreConfig {
    this.#config ??= makeStoreConfig(this.name, this.connector.config(), {
      cacheSize: this.cacheSize,
      metrics: this.metrics !== undefined,
      populateTarget: this.populateTarget,
    });
    return this.#config;
  }

  /**
   * Serialises an object and stores it.
   * @param obj - the object.
   * @param options - a per-call serializer, signal and deadline, and a `lifetime` to attach the key to.
   * @returns its new key.
   * @throws TypeError when a custom serializer returns something other than bytes.
   * @throws SerializationError when the object cannot be serialised.
   * @throws LifetimeEndedError when `lifetime` has ended (nothing is stored).
   */
  put(obj: unknown, options: PutOptions = {}): Promise<K> {
    return this.measure('put', () => this.#put(obj, options), (key) => [key]);
  }

  async #put(obj: unknown, options: PutOptions): Promise<K> {
    this.assertOpen();
    checkLifetime(options.lifetime);
    const key = await this.#io.put(this.#codec.encode(obj, options.serializer), placementOptions(options));
    await attachKeys(options.lifetime, this, [key]);
    return key;
  }

  /**
   * Serialises and stores several objects.
   * @param objs - the objects.
   * @param options - a per-call serializer, signal and deadline, and a `lifetime` to attach the keys to.
   * @returns their keys, in order.
   * @throws TypeError / SerializationError / LifetimeEndedError as `put`.
   */
  putBatch(objs: readonly unknown[], options: PutOptions = {}): Promise<K[]> {
    return this.measure('putBatch', () => this.#putBatch(objs, options), () => []);
  }

  async #putBatch(objs: readonly unknown[], options: PutOptions): Promise<K[]> {
    this.assertOpen();
    checkLifetime(options.lifetime);
    const keys = await this.#io.putBatch(
      objs.map((o) => this.#codec.encode(o, options.serializer)),
      placementOptions(options),
    );
    await attachKeys(options.lifetime, this, keys);
    return keys;
  }

  /**
   * Reads an object: from the cache, else from the connector.
   * @param key - its key.
   * @param options - the value for a missing key (`default`), a per-call deserializer, signal and deadline.
   * @returns the object, or `options.default` (`undefined` if not given) when the key is missing.
   * @throws SerializationError when the payload cannot be deserialised; the message names the key.
   */
  get<T = unknown, D = undefined>(key: K, options: GetOptions<D> = {}): Promise<T | D> {
    return this.measure('get', () => this.#get<T, D>(key, options), () => [key]);
  }

  async #get<T, D>(key: K, options: GetOptions<D>): Promise<T | D> {
    this.assertOpen();
    const id = keyId(key);
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached.value as T;
    const payload = await this.#io.get(key, callOptions(options));
    if (payload === undefined) return options.default as D;
    return this.#accept<T>(key, payload, options.deserializer);
  }

  /**
   * Reads several objects, fetching the ones not cached in one connector call.
   * @param keys - their keys.
   * @param options - a per-call deserializer, signal and deadline.
   * @returns the objects in order, `undefined` for each missing key.
   * @throws SerializationError as `get`.
   */
  getBatch<T = unknown>(keys: readonly K[], options: GetOptions = {}): Promise<(T | undefined)[]> {
    return this.measure('getBatch', () => this.#getBatch<T>(keys, options), () => []);
  }

  async #getBatch<T>(keys: readonly K[], options: GetOptions): Promise<(T | undefined)[]> {
    this.assertOpen();
    const cached = keys.map((k) => this.#cache.get(keyId(k)));
    const missed = keys.filter((_k, i) => cached[i] === undefined);
    const payloads = missed.length > 0 ? await this.#io.getBatch(missed, callOptions(options)) : [];
    let next = 0;
    return keys.map((key, i) => {
      const hit = cached[i];
      if (hit !== undefined) return hit.value as T;
      const payload = payloads[next++];
      return payload === undefined ? undefined : this.#accept<T>(key, payload, options.deserializer);
    });
  }

  /**
   * Reads an object, waiting until its key is set: pushed by connectors with `awaitKey`,
   * polled with backoff otherwise. What a future's `result()` and proxies use.
   * @param key - a key, typically a future's.
   * @param options - deadline (`timeoutMs`), signal, deserializer, polling.
   * @returns the object.
   * @throws DeadlineExceededError naming the key and store when `timeoutMs` passes first.
   * @throws KeyNotFoundError from a pushing connector when the key is unknown or evicted.
   */
  waitFor<T = unknown>(key: K, options: WaitOptions = {}): Promise<T> {
    return this.measure('waitFor', () => this.#waitFor<T>(key, options), () => [key]);
  }

  async #waitFor<T>(key: K, options: WaitOptions): Promise<T> {
    this.assertOpen();
    const cached = this.#cache.get(keyId(key));
    if (cached !== undefined) return cached.value as T;
    const scope = callScope(options, `Waiting for key ${describeKey(key)} of store "${this.name}"`);
    try {
      const payload = await waitForPayload(this.#io, key, { signal: scope.signal, polling: options.polling });
      return this.#accept<T>(key, payload, options.deserializer);
    } finally {
      scope.dispose();
    }
  }

  /**
   * Reads an object only if that needs no waiting: from the cache, or from a connector that
   * reads synchronously (in-process memory). Never blocks and never throws for a missing key.
   * @param key - its key.
   * @param deserializer - overrides the store's deserializer for a payload read here.
   * @returns the boxed object, or `undefined` when it cannot be had at once.
   * @throws SerializationError when a payload read here cannot be deserialised.
   */
  peek<T = unknown>(key: K, deserializer?: Deserializer): Cached<T> | undefined {
    this.assertOpen();
    const cached = this.#cache.get(keyId(key));
    if (cached !== undefined) return cached as Cached<T>;
    const payload = readSync(this.connector, key);
    return payload === undefined ? undefined : { value: this.#accept<T>(key, payload, deserializer) };
  }

  /**
   * Whether the key's object is in the cache (not counted as a cache lookup).
   * @param key - its key.
   * @returns true when cached.
   */
  isCached(key: K): boolean {
    return this.#cache.has(keyId(key));
  }

  /**
   * Whether the key holds an object (asks the connector, not the cache).
   * @param key - its key.
   * @param options - signal and deadline.
   * @returns true when it does.
   */
  exists(key: K, options: CallOptions = {}): Promise<boolean> {
    return this.measure('exists', () => this.#exists(key, options), () => [key]);
  }

  async #exists(key: K, options: CallOptions): Promise<boolean> {
    this.assertOpen();
    return this.#io.exists(key, callOptions(options));
  }

  /**
   * Removes an object from the connector and the cache; a missing key is fine.
   * @param key - its key.
   * @param options - signal and deadline.
   */
  evict(key: K, options: CallOptions = {}): Promise<void> {
    return this.measure('evict', () => this.#evict(key, options), () => [key]);
  }

  async #evict(key: K, options: CallOptions): Promise<void> {
    this.assertOpen();
    this.#cache.delete(keyId(key));
    await this.#io.evict(key, callOptions(options));
  }

  /**
   * Sets the value of a deferred key, once (what `Future.setResult` does), and drops the key
   * from the cache so the next `get` reads the new value.
   * @param key - a key from the connector's `newKey`.
   * @param obj - the value.
   * @param options - a per-call serializer, signal and deadline.
   * @throws NotImplementedError when the connector is not deferrable.
   * @throws KeyExistsError when the key was set before (the first value stays).
   * @throws KeyNotFoundError when the key is unknown or evicted.
   * @throws PermissionDeniedError when the connector requires a capability and it is missing or wrong.
   */
  set(key: K, obj: unknown, options: SetOptions = {}): Promise<void> {
    return this.measure('set', () => this.#set(key, obj, options), () => [key]);
  }

  async #set(key: K, obj: unknown, options: SetOptions): Promise<void> {
    this.assertOpen();
    if (!isDeferrable(this.#io)) throw this.#notDeferrable('set keys');
    const payload = this.#codec.encode(obj, options.serializer);
    await this.#io.set(key, payload, { ...callOptions(options), capability: options.capability });
    this.#cache.delete(keyId(key));
  }

  /**
   * Replaces the value of a key that holds one, and drops the key from the cache: what an
   * owner's `update` does. Futures' keys stay write-once (a pending key is refused).
   * @param key - a key holding a value.
   * @param obj - the new value.
   * @param options - a per-call serializer, signal and deadline.
   * @throws NotImplementedError when the connector cannot replace values.
   * @throws KeyNotFoundError when the key holds no value.
   * @throws PermissionDeniedError when the connector guards replacing and this process did not store the key (the mesh).
   */
  async replace(key: K, obj: unknown, options: SetOptions = {}): Promise<void> {
    this.assertOpen();
    const { connector } = this;
    if (!isReplaceable<K>(connector)) {
      throw new NotImplementedError(
        `Store "${this.name}" cannot replace a stored value: its ${connector.kind} connector has no replace() (Local, File, Redis and mesh connectors have).`,
      );
    }
    await connector.replace(key, this.#codec.encode(obj, options.serializer), callOptions(options));
    this.#cache.delete(keyId(key));
  }

  /**
   * Gives an object a time to live kept by its connector's side (a mesh peer evicts it then by
   * itself): what a `LeaseLifetime` asks, so its objects end on time even if this process has
   * crashed. A connector that cannot keeps it as it is.
   * @param key - a key this store put.
   * @param ttlMs - milliseconds from now; 0 takes a time to live away.
   * @returns whether the connector took it.
   * @throws KeyNotFoundError when the key holds no value.
   */
  async expire(key: K, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    const { connector } = this;
    if (!isExpirable<K>(connector)) return false;
    await connector.expire(key, ttlMs);
    return true;
  }

  /**
   * Decodes a payload of `key` that was fetched outside the store (a proxy's blocking first use)
   * and caches the object, as `get` would have.
   * @param key - its key.
   * @param payload - the payload.
   * @param deserializer - overrides the store's deserializer.
   * @returns the object.
   * @throws SerializationError as `get`.
   * @internal
   */
  acceptPayload<T = unknown>(key: K, payload: Payload, deserializer?: Deserializer): T {
    this.assertOpen();
    return this.#accept<T>(key, payload, deserializer);
  }

  #accept<T>(key: K, payload: Payload, deserializer: Deserializer | undefined): T {
    const value = this.#codec.decode(payload, key, deserializer);
    this.#cache.set(keyId(key), value);
    return value as T; // the caller names the type it stored
  }

  /**
   * Makes a deferred key: it exists once `set`. What `Store.future()` builds on.
   * @param options - signal, deadline, and the tags a MultiConnector routes by.
   * @returns the key.
   * @throws NotImplementedError when the connector is not a `DeferrableConnector`.
   */
  newKey(options: CallOptions & PlacementOptions = {}): Promise<K> {
    return this.measure('newKey', () => this.#newKey(options), (key) => [key]);
  }

  async #newKey(options: CallOptions & PlacementOptions): Promise<K> {
    this.assertOpen();
    if (!isDeferrable(this.#io)) throw this.#notDeferrable('make futures');
    return this.#io.newKey(placementOptions(options));
  }

  /**
   * Closes the connector. Idempotent; the store is unusable after.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cache.clear();
    await this.connector.close();
  }

  /** Closes the store (`await using store = …`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #notDeferrable(what: string): NotImplementedError {
    return new NotImplementedError(
      `Store "${this.name}" cannot ${what}: its ${this.connector.kind} connector does not implement DeferrableConnector (newKey and set). Use a deferrable connector such as LocalConnector, FileConnector, RedisConnector or MeshConnector.`,
    );
  }

  /**
   * Throws when the store is closed; every operation starts with it.
   * @throws ClosedError naming the store.
   */
  protected assertOpen(): void {
    if (this.#closed) throw new ClosedError(`Store "${this.name}" is closed. Build a new store (or getOrCreateStore(config)) to keep using its objects.`);
  }
}


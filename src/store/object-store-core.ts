/**
 * `ObjectStoreCore`: what every `ObjectStore` does over any `Connector`: its construction (name,
 * serializers, cache, metrics), its config, and the plain operations: put, get, waitFor, peek,
 * exists and evict, with their batches. What needs a connector's optional protocols (deferred
 * keys, an owner's replace and expire) is `ObjectStore`'s, in `object-store.ts`.
 * @module
 */
import { callScope } from '../core/call-options.js';
import type { CallOptions, Connector, JsonValue, Payload } from '../core/protocol.js';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import type { StoreConfig } from '../core/reference.js';
import type { Deserializer, Serializer } from '../serialize/custom.js';
import { describeKey } from '../serialize/describe.js';
import type { Cached } from './cache.js';
import { callOptions, placementOptions } from './connector-options.js';
import { keyId } from './key-id.js';
import { attachKeys, checkLifetime } from './lifetimes/attach.js';
import { storeParts, type OperationRunner, type StoreParts } from './metered.js';
import type { StoreMetrics } from './metrics.js';
import type { GetOptions, PutOptions, StoreOptions, WaitOptions } from './options.js';
import { makeStoreConfig } from './store-config.js';
import { storeCodec } from './store-codec.js';
import { readSync } from './sync-read.js';
import { waitForPayload } from './wait-for-key.js';

/**
 * The plain half of `ObjectStore`, which adds deferred keys and an owner's changes; programs use
 * `Store`.
 * @typeParam K - the connector's key type.
 */
export class ObjectStoreCore<K extends JsonValue = JsonValue> implements AsyncDisposable {
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
  /**
   * The connector, codec and cache as the store uses them: measured views when metrics are on.
   * @internal
   */
  protected readonly parts: StoreParts<K>;
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
    this.parts = storeParts(connector, storeCodec(options.serializer, options.deserializer), this.cacheSize, options.metrics === true);
    this.metrics = this.parts.metrics;
    this.measure = this.parts.measure;
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
    const key = await this.parts.io.put(this.parts.codec.encode(obj, options.serializer), placementOptions(options));
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
    const keys = await this.parts.io.putBatch(objs.map((o) => this.parts.codec.encode(o, options.serializer)), placementOptions(options));
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
    const cached = this.parts.cache.get(id);
    if (cached !== undefined) return cached.value as T;
    const payload = await this.parts.io.get(key, callOptions(options));
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
    const cached = keys.map((k) => this.parts.cache.get(keyId(k)));
    const missed = keys.filter((_k, i) => cached[i] === undefined);
    const payloads = missed.length > 0 ? await this.parts.io.getBatch(missed, callOptions(options)) : [];
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
    const cached = this.parts.cache.get(keyId(key));
    if (cached !== undefined) return cached.value as T;
    const scope = callScope(options, `Waiting for key ${describeKey(key)} of store "${this.name}"`);
    try {
      const payload = await waitForPayload(this.parts.io, key, { signal: scope.signal, polling: options.polling });
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
    const cached = this.parts.cache.get(keyId(key));
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
    return this.parts.cache.has(keyId(key));
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
    return this.parts.io.exists(key, callOptions(options));
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
    this.parts.cache.delete(keyId(key));
    await this.parts.io.evict(key, callOptions(options));
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
    const value = this.parts.codec.decode(payload, key, deserializer);
    this.parts.cache.set(keyId(key), value);
    return value as T; // the caller names the type it stored
  }

  /**
   * Closes the connector. Idempotent; the store is unusable after.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.parts.cache.clear();
    await this.connector.close();
  }

  /** Closes the store (`await using store = …`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Throws when the store is closed; every operation starts with it.
   * @throws ClosedError naming the store.
   */
  protected assertOpen(): void {
    if (this.#closed) throw new ClosedError(`Store "${this.name}" is closed. Build a new store (or getOrCreateStore(config)) to keep using its objects.`);
  }
}

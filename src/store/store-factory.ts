/**
 * The store-backed proxy factory: what a proxy made by `Store.proxy`, `Future.proxy` or the
 * reviver resolves through. It finds its store, fetches (or, for a future, waits for) the
 * object, evicts it for a one-shot proxy, and explains every failure as a `ProxyResolveError`.
 * @module
 */
import { isInProcess } from '../core/connector-guards.js';
import { ProxyResolveError, ProxyResolveMissingKeyError, WouldDeadlockError } from '../errors.js';
import type { Factory } from '../proxy/factory.js';
import type { ProxyReference } from '../core/reference.js';
import { deserializeWith, type Deserializer } from '../serialize/custom.js';
import { describeKey, errorSentence } from '../serialize/describe.js';
import { blockingGet } from './blocking-resolver.js';
import { readReferenceSync } from './sync-read.js';
import type { PollingOptions } from './polling.js';
import { codecDeserializer } from './reference-extras.js';
import type { Store } from './store.js';
import type { StoreSource } from './store-source.js';
import { log } from '../log.js';

const MISSING = Symbol('missing');

/** Resolves a proxy through a store. */
export class StoreFactory<T = unknown> implements Factory<T> {
  readonly #reference: ProxyReference;
  readonly #source: StoreSource;
  readonly #polling: PollingOptions | undefined;
  readonly #deserializer: Deserializer | undefined;

  /**
   * @param reference - the key, the store config, `evict`, the shape; `$proxymesh: 'future'`
   * makes resolution wait until the key is set.
   * @param source - where the store comes from.
   * @param polling - how to poll for a future's value when the connector cannot push it
   * (default: the reference's).
   */
  constructor(reference: ProxyReference, source: StoreSource, polling?: PollingOptions) {
    this.#reference = reference;
    this.#source = source;
    this.#polling = polling ?? reference.polling;
    // The reference names its deserializer, so every resolve path, in any process, applies it.
    this.#deserializer = reference.deserializer === undefined ? undefined : codecDeserializer(reference.deserializer, reference.key);
  }

  /** Where the store comes from (lifetimes and ownership evict through it). */
  get source(): StoreSource {
    return this.#source;
  }

  /** How a future's value is polled for, when the connector cannot push it. */
  get polling(): PollingOptions | undefined {
    return this.#polling;
  }

  /**
   * Fetches the target (waiting for a future's), then evicts it if the proxy is one-shot.
   * @returns the target.
   * @throws ProxyResolveMissingKeyError when the key is missing (probably evicted).
   * @throws ProxyResolveError for any other failure, with the error as `cause`.
   */
  async resolve(): Promise<T> {
    const { key, evict, timeoutMs } = this.#reference;
    try {
      const store = await this.#source.open();
      const deserializer = this.#deserializer;
      const value = this.#reference.wait === true ? await store.waitFor<T>(key, { polling: this.#polling, timeoutMs, deserializer }) : await this.#get(store);
      if (evict) await store.evict(key);
      return value;
    } catch (error) {
      throw this.#wrap(error);
    }
  }

  /**
   * Fetches the target without yielding: from the store's cache, from this process's memory,
   * or through the installed blocking resolver. A one-shot proxy's object is evicted in the
   * background.
   * @returns the target.
   * @throws WouldDeadlockError when the value could only be set by this (blocked) thread, or no
   * blocking resolver is installed.
   * @throws ProxyResolveMissingKeyError when the key is missing.
   * @throws ProxyResolveError for any other failure, with the error as `cause`.
   */
  resolveSync(): T {
    const { key } = this.#reference;
    try {
      const store = this.#source.peek();
      const hit = store?.peek<T>(key, this.#deserializer);
      if (hit !== undefined) {
        this.#evictInBackground(store);
        return hit.value;
      }
      // In-process memory: no other thread or process can ever set or hold this key, so the
      // answer is final and handing it to a blocking resolver could only wait forever.
      if (isInProcess(store?.connector)) {
        if (store.connector.isPending(key)) throw this.#deadlock();
        throw this.#missing();
      }
      const payload = (store === undefined ? readReferenceSync(this.#reference) : undefined) ?? blockingGet(this.#reference);
      if (payload === undefined) throw this.#missing();
      // Through the store when there is one, so the value is cached as an awaited resolve caches it.
      const value = store !== undefined ? store.acceptPayload<T>(key, payload, this.#deserializer) : (deserializeWith(payload, key, this.#deserializer) as T);
      this.#evictInBackground(store);
      return value;
    } catch (error) {
      throw this.#wrap(error);
    }
  }

  /**
   * The reference a proxy on this factory serialises to.
   * @returns the reference.
   */
  reference(): ProxyReference {
    return this.#reference;
  }

  async #get(store: Store): Promise<T> {
    const { key, timeoutMs } = this.#reference;
    const value = await store.get<T, typeof MISSING>(key, { default: MISSING, timeoutMs, deserializer: this.#deserializer });
    if (value === MISSING) throw this.#missing();
    return value;
  }

  // A synchronous resolve cannot wait for the eviction; a failure only leaves the object stored.
  #evictInBackground(store: Store | undefined): void {
    if (!this.#reference.evict) return;
    const { key } = this.#reference;
    const evicted = store !== undefined ? store.evict(key) : this.#source.open().then((s) => s.evict(key));
    evicted.catch((error: unknown) => log.warn('could not evict a one-shot key after a synchronous resolve', { key: describeKey(key), error }));
  }

  #what(): string {
    const { key, store } = this.#reference;
    return `the proxy of key ${describeKey(key)} from store "${store.name}" (${store.connector.kind} connector)`;
  }

  #missing(): ProxyResolveMissingKeyError {
    return new ProxyResolveMissingKeyError(
      `Cannot resolve ${this.#what()}: the key is missing. The object was probably evicted while proxies to it still existed (for example by a one-shot proxy with evict: true resolved first); keep the object until every proxy has resolved.`,
    );
  }

  #deadlock(): WouldDeadlockError {
    return new WouldDeadlockError(
      `Cannot use ${this.#what()} synchronously: it is a future's key in this process's memory that nobody has set yet, and only this thread could set it, so blocking would never end. Call setResult() first, or use \`await resolve(proxy)\` to wait without blocking.`,
    );
  }

  #wrap(error: unknown): Error {
    if (error instanceof ProxyResolveError || error instanceof WouldDeadlockError) return error;
    return new ProxyResolveError(`Cannot resolve ${this.#what()}: ${errorSentence(error)}`, { cause: error });
  }
}

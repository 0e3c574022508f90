/**
 * `Future`: a key whose value will be set later, ProxyStore's proxy future. The producer calls
 * `setResult`, consumers `await result()` or use a proxy that waits for the value; any of them
 * may be in another process, since a future travels as a small JSON reference.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import type { ProxyReference } from '../core/reference.js';
import type { FutureOptions, PutOptions, WaitOptions } from './options.js';
import type { StoreSource } from './store-source.js';
import { referenceExtras } from './reference-extras.js';
import { makeProxy } from './store-proxy.js';

/**
 * Options of `new Future()`; `Store.future()` and the reviver pass them. `evict`, `shape` and
 * `polling` are those of `Store.future()` (`FutureOptions`), defined there once.
 */
export interface FutureSettings extends Pick<FutureOptions, 'evict' | 'shape' | 'polling'> {
  /** The capability that authorises `setResult`, where the connector issues one. */
  readonly capability?: string | undefined;
  /** `FutureOptions.resolveTimeoutMs`, under the name the reference gives it. Default: no limit. */
  readonly timeoutMs?: number | undefined;
}

/** Options of `result()`. */
export type ResultOptions = Pick<WaitOptions, 'timeoutMs' | 'signal'>;

/**
 * A value to come. Make one with `store.future()`; send it anywhere with `JSON.stringify`, and
 * revive it there with `JSON.parse(text, reviver)`.
 * @typeParam T - the value's type.
 * @example
 * ```ts
 * const future = await store.future<number[]>({ shape: 'array' });
 * const p = future.proxy();           // hand this to a consumer now
 * await future.setResult([1, 2, 3]);  // later, perhaps in another process
 * await future.result();              // [1, 2, 3]
 * ```
 */
export class Future<T = unknown> {
  /** The connector key the value will live under. */
  readonly key: JsonValue;
  readonly #source: StoreSource;
  readonly #settings: FutureSettings;

  /**
   * Used by `Store.future()` and the reviver; programs get futures from those.
   * @param source - where the store comes from (opened on first use for a revived future).
   * @param key - a key from the connector's `newKey`.
   * @param settings - `evict`, shape, polling, capability.
   * @internal
   */
  constructor(source: StoreSource, key: JsonValue, settings: FutureSettings = {}) {
    this.#source = source;
    this.key = key;
    this.#settings = settings;
  }

  /**
   * Whether the value has been set.
   * @returns true once it has.
   */
  async done(): Promise<boolean> {
    return (await this.#source.open()).exists(this.key);
  }

  /**
   * The value, as soon as it is set: pushed by connectors that can, polled otherwise. With
   * `evict`, reading it evicts it.
   * @param options - `timeoutMs` and `signal` to bound the wait (default: the future's own
   * `timeoutMs`, else unbounded).
   * @returns the value.
   * @throws DeadlineExceededError naming the key when `timeoutMs` passes first.
   * @throws the signal's reason when it fires first.
   * @throws KeyNotFoundError when the key is evicted before it is set.
   */
  async result(options: ResultOptions = {}): Promise<T> {
    const store = await this.#source.open();
    const value = await store.waitFor<T>(this.key, { signal: options.signal, timeoutMs: options.timeoutMs ?? this.#settings.timeoutMs, polling: this.#settings.polling });
    if (this.#settings.evict === true) await store.evict(this.key);
    return value;
  }

  /**
   * Sets the value, once. Waiting consumers wake up.
   * @param value - the value.
   * @param options - a per-call serializer, signal and deadline.
   * @throws KeyExistsError when the value was set before (the first value stays).
   * @throws KeyNotFoundError when the key was evicted.
   * @throws SerializationError / TypeError when the value cannot be serialised.
   */
  async setResult(value: T, options: PutOptions = {}): Promise<void> {
    await (await this.#source.open()).set(this.key, value, { ...options, capability: this.#settings.capability });
  }

  /**
   * A proxy of the value: its first use waits until the value is set (blocking a synchronous
   * use, see `resolve` for the non-blocking way).
   * @returns the proxy, typed as the value.
   */
  proxy(): T {
    const { evict, shape, polling, timeoutMs } = this.#settings;
    return makeProxy<T>(this.#source, { wait: true, key: this.key, evict: evict ?? false, shape: shape ?? 'object', polling, timeoutMs });
  }

  /**
   * The future's JSON form: `JSON.stringify(future)` sends this, never a value.
   * @returns the reference, with `$proxymesh: 'future'`.
   */
  toJSON(): ProxyReference {
    const { evict, shape, capability, timeoutMs, polling } = this.#settings;
    const reference: ProxyReference = {
      $proxymesh: 'future',
      key: this.key,
      store: this.#source.config,
      evict: evict ?? false,
      shape: shape ?? 'object',
      ...referenceExtras({ timeoutMs, polling }),
    };
    return capability === undefined ? reference : { ...reference, capability };
  }
}

/**
 * How a store with `metrics: true` is measured: by wrapping, not by timing code in the store.
 * Each public operation runs through the store's `OperationRunner`, and its connector and codec
 * are wrapped once, at construction; a store without metrics runs none of the timing.
 *
 * An operation opens a span (in `AsyncLocalStorage`), so that its parts (`serialize`,
 * `connector`, `deserialize`) are recorded as `<operation>.<part>` and charged to the
 * operation's key even when the part itself cannot know it (serialising happens before `put`
 * has a key). Batch operations are recorded in the aggregate only, so one key's numbers are
 * never a whole batch's.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { isAwaitable, isDeferrable } from '../core/connector-guards.js';
import type { AwaitableConnector, CallOptions, Connector, ConnectorSetOptions, DeferrableConnector, JsonValue, Payload } from '../core/protocol.js';
import { ObjectCache, type CacheObserver } from './cache.js';
import { keyId } from './key-id.js';
import { StoreMetrics } from './metrics.js';
import type { StoreCodec } from './store-codec.js';

interface Span {
  readonly operation: string;
  readonly unkeyed: { name: string; ms: number }[];
}

/** Records timings into a `StoreMetrics`, attributing parts to the operation around them. */
export class Meter {
  readonly #spans = new AsyncLocalStorage<Span>();

  /** @param metrics - where the numbers go. */
  constructor(readonly metrics: StoreMetrics) {}

  /**
   * Times an operation and the parts that run inside it.
   * @param operation - its name, e.g. `put`.
   * @param run - the operation.
   * @param keysOf - the keys to charge it to, from its result.
   * @returns what `run` returns; failures are not recorded.
   */
  async operation<T>(operation: string, run: () => Promise<T>, keysOf: (result: T) => readonly JsonValue[]): Promise<T> {
    const span: Span = { operation, unkeyed: [] };
    const start = performance.now();
    const result = await this.#spans.run(span, run);
    const ids = keysOf(result).map(keyId);
    this.metrics.addTime(operation, performance.now() - start, ids);
    for (const part of span.unkeyed) this.metrics.addTime(part.name, part.ms, ids);
    return result;
  }

  /**
   * Records a part that took `ms`, named after the operation around it.
   * @param part - e.g. `connector`.
   * @param ms - how long it took.
   * @param keys - its keys when it knows them; otherwise the operation's keys are used.
   */
  record(part: string, ms: number, keys: readonly JsonValue[] | undefined): void {
    const span = this.#spans.getStore();
    const name = span ? `${span.operation}.${part}` : part;
    if (keys !== undefined) this.metrics.addTime(name, ms, keys.map(keyId));
    else if (span) span.unkeyed.push({ name, ms });
    else this.metrics.addTime(name, ms, []);
  }

  /**
   * Records an object's size in bytes under its key.
   * @param key - the key.
   * @param payload - the payload, if any.
   */
  size(key: JsonValue, payload: Payload | undefined): void {
    if (payload !== undefined) this.metrics.setAttribute('objectSize', keyId(key), payload.data.byteLength);
  }

  /**
   * The cache observer that counts hits and misses.
   * @returns an observer for `ObjectCache`.
   */
  cacheObserver(): CacheObserver {
    return { hit: (id) => this.metrics.addCount('cache.hits', id), miss: (id) => this.metrics.addCount('cache.misses', id) };
  }
}

/** Which store operation a call is, as its metrics name it. */
export type StoreOperation = 'put' | 'putBatch' | 'get' | 'getBatch' | 'exists' | 'evict' | 'set' | 'waitFor' | 'newKey' | 'proxy' | 'proxyBatch' | 'future';

/**
 * How a store runs each public operation: `run` as it is, or timed by a `Meter` and charged to
 * the keys `keysOf` finds in its result (none for batches and proxies: they count in the
 * aggregate only, and a proxy's key is charged through its `put`).
 */
export type OperationRunner = <T>(operation: StoreOperation, run: () => Promise<T>, keysOf: (result: T) => readonly JsonValue[]) => Promise<T>;

/**
 * The runner of a store: unmeasured without a meter.
 * @param meter - the store's meter, when it has metrics.
 * @returns the runner.
 */
export function operationRunner(meter: Meter | undefined): OperationRunner {
  return meter === undefined ? (_operation, run) => run() : (operation, run, keysOf) => meter.operation(operation, run, keysOf);
}

type Timed<A extends unknown[], R> = (...args: A) => Promise<R>;

/** What one connector call concerned: its keys, and the payload to record the size of per key. */
interface Part {
  readonly keys: readonly JsonValue[];
  readonly payloads?: readonly (Payload | undefined)[];
}

/** `call`, recording `<operation>.connector` time and object sizes from `partOf`. */
function timed<A extends unknown[], R>(meter: Meter, call: Timed<A, R>, partOf: (args: A, result: R) => Part): Timed<A, R> {
  return async (...args: A): Promise<R> => {
    const start = performance.now();
    const result = await call(...args);
    const { keys, payloads } = partOf(args, result);
    meter.record('connector', performance.now() - start, keys.length > 0 ? keys : undefined);
    keys.forEach((key, i) => meter.size(key, payloads?.[i]));
    return result;
  };
}

/**
 * A view of the connector whose I/O methods record `<operation>.connector` times and object
 * sizes. Written out method by method against the protocol, so a renamed method fails to
 * compile here instead of losing its metrics; the optional capabilities the store calls through
 * it (`isDeferrable`, `isAwaitable`) are present exactly when the connector has them. The store
 * asks every other capability of the connector itself.
 * @param c - the store's connector.
 * @param meter - the meter.
 * @returns the measured view; the connector itself is unchanged.
 */
export function meterConnector<K extends JsonValue>(c: Connector<K>, meter: Meter): Connector<K> {
  const view: Connector<K> & Partial<Pick<DeferrableConnector<K>, 'newKey' | 'set'> & AwaitableConnector<K>> = {
    kind: c.kind,
    put: timed(meter, (payload: Payload, options?: CallOptions) => c.put(payload, options), ([payload], key) => ({ keys: [key], payloads: [payload] })),
    putBatch: timed(meter, (payloads: readonly Payload[], options?: CallOptions) => c.putBatch(payloads, options), () => ({ keys: [] })),
    get: timed(meter, (key: K, options?: CallOptions) => c.get(key, options), ([key], payload) => ({ keys: [key], payloads: [payload] })),
    getBatch: timed(meter, (keys: readonly K[], options?: CallOptions) => c.getBatch(keys, options), () => ({ keys: [] })),
    exists: timed(meter, (key: K, options?: CallOptions) => c.exists(key, options), ([key]) => ({ keys: [key] })),
    evict: timed(meter, (key: K, options?: CallOptions) => c.evict(key, options), ([key]) => ({ keys: [key] })),
    config: () => c.config(),
    close: () => c.close(),
    [Symbol.asyncDispose]: () => c[Symbol.asyncDispose](),
  };
  if (isDeferrable(c)) {
    view.newKey = timed(meter, (options?: CallOptions) => c.newKey(options), (_args, key) => ({ keys: [key] }));
    view.set = timed(meter, (key: K, payload: Payload, options?: ConnectorSetOptions) => c.set(key, payload, options), ([key, payload]) => ({ keys: [key], payloads: [payload] }));
  }
  if (isAwaitable(c)) {
    view.awaitKey = timed(meter, (key: K, options?: CallOptions) => c.awaitKey(key, options), ([key], payload) => ({ keys: [key], payloads: [payload] }));
  }
  return view;
}

/**
 * A codec whose encode and decode record `<operation>.serialize` / `.deserialize` times.
 * @param codec - the store's codec.
 * @param meter - the meter.
 * @returns the measured codec.
 */
export function meterCodec(codec: StoreCodec, meter: Meter): StoreCodec {
  return {
    encode(value, serializer) {
      const start = performance.now();
      const payload = codec.encode(value, serializer);
      meter.record('serialize', performance.now() - start, undefined);
      return payload;
    },
    decode(payload, key, deserializer) {
      const start = performance.now();
      const value = codec.decode(payload, key, deserializer);
      meter.record('deserialize', performance.now() - start, [key]);
      return value;
    },
  };
}

/** A store's connector, codec and cache as its operations use them, and how each operation runs. */
export interface StoreParts<K extends JsonValue> {
  /** The connector, or its measured view. */
  readonly io: Connector<K>;
  /** The codec, or its measured view. */
  readonly codec: StoreCodec;
  /** The cache, counting hits and misses when measured. */
  readonly cache: ObjectCache;
  /** How each public operation runs. */
  readonly measure: OperationRunner;
  /** Where the numbers go; `undefined` without metrics. */
  readonly metrics: StoreMetrics | undefined;
}

/**
 * A store's parts, measured into a new `StoreMetrics` or left as they are.
 * @param connector - the store's connector.
 * @param codec - the store's codec.
 * @param cacheSize - objects the cache keeps; 0 disables it.
 * @param metrics - whether the store measures itself.
 * @returns the parts.
 * @throws InvalidArgumentError when `cacheSize` is negative or not an integer.
 */
export function storeParts<K extends JsonValue>(connector: Connector<K>, codec: StoreCodec, cacheSize: number, metrics: boolean): StoreParts<K> {
  if (!metrics) return { io: connector, codec, cache: new ObjectCache(cacheSize), measure: operationRunner(undefined), metrics: undefined };
  const meter = new Meter(new StoreMetrics());
  return {
    io: meterConnector(connector, meter),
    codec: meterCodec(codec, meter),
    cache: new ObjectCache(cacheSize, meter.cacheObserver()),
    measure: operationRunner(meter),
    metrics: meter.metrics,
  };
}

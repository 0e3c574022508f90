/**
 * How a store with `metrics: true` is measured: by wrapping, not by timing code in the store.
 * The store's public operations, its connector and its codec are each wrapped once, at
 * construction; a store without metrics runs none of this.
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
import type { Connector, JsonValue, Payload } from '../core/protocol.js';
import type { CacheObserver } from './cache.js';
import { keyId } from './key-id.js';
import type { StoreMetrics } from './metrics.js';
import type { StoreCodec } from './store-codec.js';

/** Which keys a call concerned, from its arguments and result. */
export type KeysOf = (args: readonly unknown[], result: unknown) => readonly JsonValue[];

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

/**
 * Wraps the named async methods of `target` (on the instance, in place) in `meter.operation`;
 * names the object does not have are skipped.
 * @param target - the object whose methods to wrap.
 * @param operations - method name → the keys a call concerns.
 * @param meter - the meter.
 */
export function meterOperations(target: object, operations: Readonly<Record<string, KeysOf>>, meter: Meter): void {
  for (const [name, keysOf] of Object.entries(operations)) {
    const found: unknown = Reflect.get(target, name);
    if (typeof found !== 'function') continue;
    const method = found as (...args: unknown[]) => Promise<unknown>;
    const timed = (...args: unknown[]): Promise<unknown> => meter.operation(name, () => method.apply(target, args), (result) => keysOf(args, result));
    Object.defineProperty(target, name, { value: timed, configurable: true, writable: true });
  }
}

// For each timed connector method: its keys, and the payload whose size to record per key.
const connectorParts: Readonly<Record<string, (args: readonly unknown[], result: unknown) => { keys: readonly JsonValue[]; payloads?: readonly (Payload | undefined)[] }>> = {
  put: (args, key) => ({ keys: [key as JsonValue], payloads: [args[0] as Payload] }),
  putBatch: () => ({ keys: [] }),
  get: (args, payload) => ({ keys: [args[0] as JsonValue], payloads: [payload as Payload | undefined] }),
  getBatch: () => ({ keys: [] }),
  exists: (args) => ({ keys: [args[0] as JsonValue] }),
  evict: (args) => ({ keys: [args[0] as JsonValue] }),
  newKey: (_args, key) => ({ keys: [key as JsonValue] }),
  set: (args) => ({ keys: [args[0] as JsonValue], payloads: [args[1] as Payload] }),
  awaitKey: (args, payload) => ({ keys: [args[0] as JsonValue], payloads: [payload as Payload] }),
};

/**
 * A view of the connector whose I/O methods record `<operation>.connector` times and object
 * sizes. An ES Proxy rather than a class, so the view has exactly the target's optional
 * capabilities (`isDeferrable`, `isAwaitable`) and prototype.
 * @param connector - the store's connector.
 * @param meter - the meter.
 * @returns the measured view; the connector itself is unchanged.
 */
export function meterConnector<K extends JsonValue>(connector: Connector<K>, meter: Meter): Connector<K> {
  return new Proxy(connector, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      const part = typeof prop === 'string' ? connectorParts[prop] : undefined;
      // Bound to the target: connectors keep state in #private fields a Proxy does not have.
      if (part === undefined) return method.bind(target);
      return async (...args: unknown[]): Promise<unknown> => {
        const start = performance.now();
        const result = await method.apply(target, args);
        const { keys, payloads } = part(args, result);
        meter.record('connector', performance.now() - start, keys.length > 0 ? keys : undefined);
        keys.forEach((key, i) => meter.size(key, payloads?.[i]));
        return result;
      };
    },
  });
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

// A small real Factory for the proxy tests: it hands out an in-memory value, counts how often
// it was asked, and can be told to fail or to refuse blocking (like a future only this thread
// could set).
import { WouldDeadlockError } from '../../src/errors.js';
import { createProxy } from '../../src/proxy/create.js';
import type { Factory } from '../../src/proxy/factory.js';
import type { ProxyReference, TargetShape } from '../../src/core/reference.js';

let counter = 0;

/** Options of a MemoryFactory. */
export interface MemoryFactoryOptions {
  /** resolveSync() throws WouldDeadlockError: only resolve() works. */
  readonly asyncOnly?: boolean;
  /** The shape the reference reports. */
  readonly shape?: TargetShape;
}

/** A Factory over a value held in memory. */
export class MemoryFactory<T> implements Factory<T> {
  readonly key: string;
  syncCalls = 0;
  asyncCalls = 0;
  /** How many upcoming calls (sync or async) fail with `failWith`. */
  failures = 0;
  failWith: unknown = new Error('the store is down');
  /** When set, resolve() waits for this promise before answering. */
  gate: Promise<void> | undefined;
  readonly #value: T;
  readonly #options: MemoryFactoryOptions;

  constructor(value: T, options: MemoryFactoryOptions = {}) {
    counter += 1;
    this.key = `k${counter}`;
    this.#value = value;
    this.#options = options;
  }

  get calls(): number {
    return this.syncCalls + this.asyncCalls;
  }

  resolveSync(): T {
    this.syncCalls += 1;
    if (this.#options.asyncOnly === true) throw new WouldDeadlockError(`Blocking on key ${this.key} would never end.`);
    return this.#answer();
  }

  async resolve(): Promise<T> {
    this.asyncCalls += 1;
    if (this.gate !== undefined) await this.gate;
    return this.#answer();
  }

  reference(): ProxyReference {
    return {
      $proxymesh: 'proxy',
      key: { id: this.key },
      store: { name: 'memory-test', connector: { kind: 'local', space: 'test' } },
      evict: false,
      shape: this.#options.shape ?? 'object',
    };
  }

  #answer(): T {
    if (this.failures > 0) {
      this.failures -= 1;
      throw this.failWith;
    }
    return this.#value;
  }
}

/** A fresh unresolved proxy over `value` (shape taken from the value), and its factory. */
export function lazy<T>(value: T, options: MemoryFactoryOptions = {}): { p: T; factory: MemoryFactory<T> } {
  const shape = options.shape ?? (Array.isArray(value) ? 'array' : typeof value === 'function' ? 'function' : 'object');
  const factory = new MemoryFactory(value, { ...options, shape });
  return { p: createProxy(factory, { shape }), factory };
}

/** An unresolved proxy over `value`, for tests that only need the proxy. */
export function proxyOf<T>(value: T): T {
  return lazy(value).p;
}

/** A promise with its resolve function, for ordering async steps without sleeps. */
export function defer(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

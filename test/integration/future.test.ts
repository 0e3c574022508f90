import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connectors/local.js';
import type { Connector, ConnectorConfig, DeferrableConnector, Payload } from '../../src/core/protocol.js';
import { DeadlineExceededError, KeyExistsError, NotImplementedError } from '../../src/errors.js';
import { Future } from '../../src/store/future.js';
import { reviver } from '../../src/store/reviver.js';
import { isResolved, resolve } from '../../src/proxy/control.js';
import { getStore } from '../../src/store/registry.js';
import { Store } from '../../src/store/store.js';

type MapKey = { readonly id: string };

/** A real, minimal connector over a Map: neither deferrable nor awaitable. */
class MapConnector implements Connector<MapKey> {
  readonly kind: string = 'test-map';
  readonly entries = new Map<string, Payload>();
  /** Called after every get, with whether it found the key. */
  onGet: (found: boolean) => void = () => undefined;

  async put(payload: Payload): Promise<MapKey> {
    const id = randomUUID();
    this.entries.set(id, payload);
    return { id };
  }
  async putBatch(payloads: readonly Payload[]): Promise<MapKey[]> {
    return Promise.all(payloads.map((p) => this.put(p)));
  }
  async get(key: MapKey): Promise<Payload | undefined> {
    const payload = this.entries.get(key.id);
    this.onGet(payload !== undefined);
    return payload;
  }
  async getBatch(keys: readonly MapKey[]): Promise<(Payload | undefined)[]> {
    return keys.map((k) => this.entries.get(k.id));
  }
  async exists(key: MapKey): Promise<boolean> {
    return this.entries.has(key.id);
  }
  async evict(key: MapKey): Promise<void> {
    this.entries.delete(key.id);
  }
  config(): ConnectorConfig {
    return { kind: this.kind };
  }
  async close(): Promise<void> {}
  async [Symbol.asyncDispose](): Promise<void> {}
}

/** The same Map connector with write-once deferred keys, still without awaitKey: futures must poll. */
class DeferrableMapConnector extends MapConnector implements DeferrableConnector<MapKey> {
  override readonly kind = 'test-deferrable-map';
  readonly #pending = new Set<string>();

  async newKey(): Promise<MapKey> {
    const id = randomUUID();
    this.#pending.add(id);
    return { id };
  }
  async set(key: MapKey, payload: Payload): Promise<void> {
    if (!this.#pending.delete(key.id)) throw new KeyExistsError(`Key ${key.id} was already set.`);
    this.entries.set(key.id, payload);
  }
}

const stores: Store[] = [];
const track = <S extends Store>(s: S): S => (stores.push(s), s);
let counter = 0;
const localStore = (): Store => track(new Store(`future-store-${++counter}`, new LocalConnector()));

afterEach(async () => {
  for (const s of stores.splice(0)) {
    await getStore(s.name)?.close();
    await s.close();
  }
});

describe('Future', () => {
  // The lifecycle: not done → setResult → done → result → a proxy of the value.
  it('is not done until set, then gives its value to result() and proxies', async () => {
    const store = localStore();
    const future = await store.future<{ answer: number }>();
    expect(await future.done()).toBe(false);
    await future.setResult({ answer: 42 });
    expect(await future.done()).toBe(true);
    expect(await future.result()).toEqual({ answer: 42 });
    expect(future.proxy().answer).toBe(42);
  });

  // A consumer waiting on result() or on a proxy is woken by the set (pushed, no polling).
  it('wakes waiting consumers when the value is set', async () => {
    const store = localStore();
    const future = await store.future<string[]>({ shape: 'array' });
    const p = future.proxy();
    const waiting = Promise.all([future.result(), resolve(p)]);
    expect(isResolved(p)).toBe(false);
    await future.setResult(['ready']);
    expect(await waiting).toEqual([['ready'], ['ready']]);
    expect(Array.isArray(p)).toBe(true);
  });

  // Keys are write-once: a second setResult is refused with KeyExistsError and the first value stays.
  it('refuses a second setResult', async () => {
    const store = localStore();
    const future = await store.future<number>();
    await future.setResult(1);
    await expect(future.setResult(2)).rejects.toBeInstanceOf(KeyExistsError);
    expect(await future.result()).toBe(1);
  });

  // result() with a timeout fails with DeadlineExceededError naming the key and the store.
  it('times out with an error naming the key', async () => {
    const store = localStore();
    const future = await store.future();
    const error = await future.result({ timeoutMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain(`key ${JSON.stringify(future.key)} of store "${store.name}"`);
  });

  // result() honours an AbortSignal.
  it('stops waiting when the signal fires', async () => {
    const store = localStore();
    const future = await store.future();
    const controller = new AbortController();
    const waiting = future.result({ signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    await expect(waiting).rejects.toThrow('no longer needed');
  });

  // With evict, reading the value evicts it.
  it('evicts the value on result() when asked', async () => {
    const store = localStore();
    const future = await store.future<string>({ evict: true });
    await future.setResult('once');
    expect(await future.result()).toBe('once');
    expect(await future.done()).toBe(false);
  });

  // A connector that cannot defer keys cannot make futures: NotImplementedError naming DeferrableConnector.
  it('is refused on a non-deferrable connector', async () => {
    const store = track(new Store('map-store', new MapConnector()));
    await expect(store.future()).rejects.toBeInstanceOf(NotImplementedError);
    await expect(store.future()).rejects.toThrow(/test-map connector does not implement DeferrableConnector/);
  });
});

describe('Future on a connector that cannot push', () => {
  // Without awaitKey the future polls, waiting initialMs, then factor times longer, up to maxMs.
  it('polls with backoff until the value is set', async () => {
    const connector = new DeferrableMapConnector();
    const store = track(new Store('polling-store', connector));
    const waits: number[] = [];
    // A fake clock: each requested wait is recorded; the producer sets the value during the 5th.
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      if (waits.length === 5) await future.setResult('finally');
    };
    const future = await store.future<string>({ polling: { initialMs: 2, factor: 2, maxMs: 10, sleep } });
    let gets = 0;
    connector.onGet = () => void gets++;
    expect(await future.result()).toBe('finally');
    expect(waits).toEqual([2, 4, 8, 10, 10]);
    expect(gets).toBe(6);
  });

  // With real timers: the consumer's first poll misses, the producer then sets, and a later poll finds the value.
  it('finds a value set after polling began', async () => {
    const connector = new DeferrableMapConnector();
    const store = track(new Store('polling-store-2', connector));
    const future = await store.future<number[]>({ polling: { initialMs: 1, maxMs: 5 } });
    const firstMiss = new Promise<void>((done) => {
      connector.onGet = (found) => {
        if (!found) done();
      };
    });
    const result = future.result({ timeoutMs: 10_000 });
    await firstMiss;
    await future.setResult([1, 2]);
    expect(await result).toEqual([1, 2]);
  });

  // A polled wait also honours its deadline, naming the key.
  it('times out while polling with an error naming the key', async () => {
    const store = track(new Store('polling-store-3', new DeferrableMapConnector()));
    const future = await store.future({ polling: { initialMs: 1, maxMs: 2 } });
    await expect(future.result({ timeoutMs: 20 })).rejects.toThrow(new RegExp(`${(future.key as MapKey).id}.*did not finish within 20 ms`));
  });
});

describe('Future JSON round trip', () => {
  // A future stringifies to a future reference; revived, it can set the value the original's consumers see.
  it('travels as a reference and can be set from the revived copy', async () => {
    const store = localStore();
    const future = await store.future<{ v: number }>();
    const text = JSON.stringify({ out: future });
    expect(JSON.parse(text)).toEqual({ out: { $proxymesh: 'future', key: future.key, store: store.config(), evict: false, shape: 'object' } });
    const { out } = JSON.parse(text, reviver) as { out: Future<{ v: number }> };
    expect(out).toBeInstanceOf(Future);
    expect(out.key).toEqual(future.key);
    const consumer = future.proxy();
    const waiting = resolve(consumer);
    await out.setResult({ v: 3 });
    expect(await waiting).toEqual({ v: 3 });
    expect(await out.result()).toEqual({ v: 3 });
  });

  // A revived future's proxy also waits for the value rather than reporting a missing key.
  it("revives a future's proxy that waits for the value", async () => {
    const store = localStore();
    const future = await store.future<string>();
    const revived = JSON.parse(JSON.stringify(future), reviver) as Future<string>;
    const p = revived.proxy();
    const waiting = resolve(p);
    await future.setResult('later');
    expect(await waiting).toBe('later');
  });
});

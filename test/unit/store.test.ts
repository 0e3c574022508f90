import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnector, type LocalKey } from '../../src/connectors/local.js';
import { ClosedError, InvalidArgumentError, KeyExistsError, SerializationError } from '../../src/errors.js';
import { Store } from '../../src/store/store.js';

const stores: Store<LocalKey>[] = [];

function makeStore(options: ConstructorParameters<typeof Store>[2] = {}): Store<LocalKey> {
  const store = new Store(`store-${stores.length}-${Math.random()}`, new LocalConnector(), options);
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('Store basics', () => {
  // put/get/exists/evict work over bytes, strings and rich objects, and evicting twice is fine.
  it.each([
    ['bytes', new Uint8Array([0, 255, 7])],
    ['a string', 'hello, world'],
    ['a JSON object', { a: [1, 2, { b: 'c' }] }],
    ['a Map', new Map<string, unknown>([['when', new Date(0)]])],
    ['a BigInt', 2n ** 70n],
    ['a nested structure', { set: new Set([1, 2]), list: [new Float64Array([0.5]), undefined, { d: new Date(7) }] }],
  ])('stores and reads %s', async (_name, value) => {
    const store = makeStore();
    const key = await store.put(value);
    expect(await store.exists(key)).toBe(true);
    expect(await store.get(key)).toEqual(value);
    await store.evict(key);
    expect(await store.exists(key)).toBe(false);
    expect(await store.get(key)).toBeUndefined();
    await store.evict(key);
  });

  // Bytes are stored as they were at put and set: changing the caller's buffer afterwards changes nothing stored.
  it('keeps a snapshot of bytes put or set', async () => {
    const store = makeStore();
    const input = Buffer.from([1, 2, 3]);
    const key = await store.put(input);
    const future = await store.future<Uint8Array>();
    await future.setResult(input);
    input.fill(9);
    expect([...((await store.get<Uint8Array>(key)) ?? [])]).toEqual([1, 2, 3]);
    expect([...(await future.result())]).toEqual([1, 2, 3]);
  });

  // A missing key returns the default (undefined when none is given); it does not throw.
  it('returns the default for a missing key', async () => {
    const store = makeStore();
    const key = await store.put('x');
    await store.evict(key);
    expect(await store.get(key)).toBeUndefined();
    expect(await store.get(key, { default: 'fallback' })).toBe('fallback');
    expect(await store.get({ id: '0'.repeat(32) }, { default: null })).toBeNull();
  });

  // Batches keep their order and give undefined for a missing key.
  it('puts and gets batches in order', async () => {
    const store = makeStore();
    const keys = await store.putBatch(['a', new Uint8Array([1]), { c: 3 }]);
    await store.evict(keys[1]!);
    expect(await store.getBatch(keys)).toEqual(['a', undefined, { c: 3 }]);
  });

  // A bytes payload comes back as a plain Uint8Array (documented), even when a Buffer went in.
  it('gives bytes back as a plain Uint8Array', async () => {
    const store = makeStore({ cacheSize: 0 });
    const got = await store.get(await store.put(Buffer.from('abc')));
    expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
  });

  // A negative or fractional cache size is refused (ProxyStore: ValueError).
  it('refuses a bad cache size', () => {
    expect(() => new Store('bad', new LocalConnector(), { cacheSize: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Store('bad', new LocalConnector(), { cacheSize: 1.5 })).toThrow(/cacheSize/);
  });

  // close() is idempotent, and a closed store refuses work with a ClosedError naming it.
  it('closes once and then refuses work', async () => {
    const store = makeStore();
    await store.close();
    await store.close();
    await expect(store.put('x')).rejects.toBeInstanceOf(ClosedError);
    await expect(store.get({ id: 'x' })).rejects.toThrow(new RegExp(`Store "${store.name}" is closed`));
  });
});

describe('serialisers', () => {
  // A store's own serializer/deserializer pair round-trips, and the payload is tagged `custom`.
  it('uses the store serializer and deserializer', async () => {
    const store = makeStore({
      serializer: (v) => new TextEncoder().encode(String(v).toUpperCase()),
      deserializer: (p) => `${p.codec}:${new TextDecoder().decode(p.data)}`,
    });
    const key = await store.put('shout');
    expect((await store.connector.get(key))?.codec).toBe('custom');
    expect(await store.get(key)).toBe('custom:SHOUT');
  });

  // A per-call serializer or deserializer overrides the store's.
  it('lets a call override the serializer and deserializer', async () => {
    const store = makeStore({ cacheSize: 0 });
    const key = await store.put('x', { serializer: () => new Uint8Array([42]) });
    expect(await store.get(key, { deserializer: (p) => p.data[0] })).toBe(42);
  });

  // As in ProxyStore, a serializer that returns something other than bytes is a TypeError.
  it('throws TypeError when the serializer does not return bytes', async () => {
    const store = makeStore({ serializer: () => 'nope' as unknown as Uint8Array });
    await expect(store.put('x')).rejects.toBeInstanceOf(TypeError);
  });

  // A deserializer failure is a SerializationError that names the key.
  it('reports a failing deserializer with the key', async () => {
    const store = makeStore({
      deserializer: () => {
        throw new Error('cannot read');
      },
    });
    const key = await store.put('x');
    const error = await store.get(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toContain(`key ${JSON.stringify(key)}`);
    expect((error as Error).message).toContain('cannot read');
  });

  // A payload with an unknown codec tag is a SerializationError naming the tag and the key.
  it('reports an unknown codec tag with the key', async () => {
    const store = makeStore();
    const key = await store.connector.put({ codec: 'mystery', data: new Uint8Array([1]) });
    await expect(store.get(key)).rejects.toThrow(SerializationError);
    await expect(store.get(key)).rejects.toThrow(new RegExp(`${key.id}.*"mystery"`));
  });
});

describe('cache', () => {
  // With cacheSize 0 every get goes to the connector: two misses, no hits.
  it('caches nothing with size 0', async () => {
    const store = makeStore({ cacheSize: 0, metrics: true });
    const key = await store.put('v');
    await store.get(key);
    await store.get(key);
    expect(store.isCached(key)).toBe(false);
    expect(store.metrics?.getMetrics(key).counters).toEqual({ 'cache.misses': 2 });
  });

  // With cacheSize 1 the most recent object stays and reading another pushes it out (LRU).
  it('keeps the most recently used object with size 1', async () => {
    const store = makeStore({ cacheSize: 1, metrics: true });
    const [a, b] = (await store.putBatch(['a', 'b'])) as [LocalKey, LocalKey];
    await store.get(a); // miss
    await store.get(a); // hit
    await store.get(b); // miss, pushes a out
    await store.get(a); // miss
    expect(store.metrics?.getMetrics(a).counters).toEqual({ 'cache.misses': 2, 'cache.hits': 1 });
    expect(store.metrics?.aggregateCounters()).toEqual({ 'cache.misses': 3, 'cache.hits': 1 });
    expect(store.isCached(a)).toBe(true);
    expect(store.isCached(b)).toBe(false);
  });

  // Evicting drops the cached copy too, so a later get reports the key missing.
  it('drops the cached copy on evict', async () => {
    const store = makeStore();
    const key = await store.put('v');
    await store.get(key);
    await store.evict(key);
    expect(store.isCached(key)).toBe(false);
    expect(await store.get(key)).toBeUndefined();
  });

  // set then get: a deferred key read before it is set, then set, reads the new value; a second set is refused.
  it('reads a deferred key after set, and refuses a second set', async () => {
    const store = makeStore();
    const key = await store.newKey();
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, { v: 1 });
    expect(await store.get(key)).toEqual({ v: 1 });
    await expect(store.set(key, { v: 2 })).rejects.toBeInstanceOf(KeyExistsError);
    expect(await store.get(key)).toEqual({ v: 1 });
  });

  // The cached object is the same instance each time, and undefined values are cached too.
  it('returns the cached instance and caches undefined', async () => {
    const store = makeStore({ metrics: true });
    const obj = await store.put(new Map());
    expect(await store.get(obj)).toBe(await store.get(obj));
    const undef = await store.put(undefined);
    await store.get(undef);
    expect(store.isCached(undef)).toBe(true);
    expect(await store.get(undef, { default: 'not this' })).toBeUndefined();
  });
});

describe('config', () => {
  // config() is JSON, and fromConfig() of its JSON round trip reads the same objects.
  it('round-trips through config() and fromConfig()', async () => {
    const store = makeStore({ cacheSize: 3, populateTarget: false });
    const key = await store.put({ shared: true });
    const config = JSON.parse(JSON.stringify(store.config())) as ReturnType<Store['config']>;
    expect(config).toEqual({ name: store.name, connector: store.connector.config(), cacheSize: 3, metrics: false, populateTarget: false });
    const copy = await Store.fromConfig(config);
    try {
      expect(copy.name).toBe(store.name);
      expect(copy.cacheSize).toBe(3);
      expect(copy.populateTarget).toBe(false);
      expect(await copy.get(key)).toEqual({ shared: true });
    } finally {
      await copy.close();
    }
  });

  // A malformed config is refused with a message naming the bad field.
  it('refuses a malformed config', async () => {
    await expect(Store.fromConfig({ name: '', connector: { kind: 'local' } })).rejects.toThrow(/"name"/);
    await expect(Store.fromConfig({ name: 'x', connector: { kind: 'local', space: 's' }, cacheSize: 'big' })).rejects.toThrow(/"cacheSize"/);
  });
});

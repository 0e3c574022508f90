// ProxyStore's tests/store/lifetimes_test.py, ported: ContextLifetime, LeaseLifetime,
// StaticLifetime, and the `lifetime` option of the Store's methods.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalConnector, type LocalKey } from '../../src/connectors/local.js';
import { InvalidArgumentError, LifetimeEndedError, ProxyStoreFactoryError } from '../../src/errors.js';
import { createProxy } from '../../src/proxy/create.js';
import { extract, getKey } from '../../src/proxy/control.js';
import { ContextLifetime } from '../../src/store/lifetimes/context-lifetime.js';
import { LeaseLifetime } from '../../src/store/lifetimes/lease-lifetime.js';
import type { Lifetime, LifetimeStore } from '../../src/store/lifetimes/lifetime.js';
import { StaticLifetime } from '../../src/store/lifetimes/static-lifetime.js';
import { Store } from '../../src/store/store.js';

const stores: Store<LocalKey>[] = [];

function makeStore(): Store<LocalKey> {
  const store = new Store(`lifetimes-${stores.length}-${Math.random()}`, new LocalConnector());
  stores.push(store);
  return store;
}

// A proxy whose factory is not a store's: lifetimes cannot manage it.
const foreignProxy = (): unknown =>
  createProxy({
    resolve: () => Promise.resolve([]),
    resolveSync: () => [],
    reference: () => ({ $proxymesh: 'proxy', key: 'x', store: { name: 'none', connector: { kind: 'local' } }, evict: false, shape: 'object' }),
  });

afterEach(async () => {
  vi.useRealTimers();
  await new StaticLifetime().close();
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('ContextLifetime', () => {
  // It satisfies the Lifetime protocol (the type check is the test) and closes cleanly.
  it('implements the Lifetime protocol', async () => {
    const lifetime: Lifetime = new ContextLifetime(makeStore());
    expect(lifetime.done()).toBe(false);
    await lifetime.close();
    expect(lifetime.done()).toBe(true);
  });

  // Keys and proxies attached to the lifetime are evicted when its `await using` block exits.
  it('evicts every attached key and proxy at the end of its block', async () => {
    const store = makeStore();
    const [key1, key2, key3, key4] = await Promise.all(['value1', 'value2', 'value3', 'value4'].map((v) => store.put(v)));
    const proxy1 = store.proxyFromKey<string>(key3!);
    const proxy2 = store.proxyFromKey<string>(key4!);
    let held: ContextLifetime;
    {
      await using lifetime = new ContextLifetime(store);
      held = lifetime;
      expect(lifetime.done()).toBe(false);
      lifetime.addKey([key1!, key2!]);
      lifetime.addProxy(proxy1, proxy2);
    }
    expect(held.done()).toBe(true);
    for (const key of [key1, key2, key3, key4]) expect(await store.exists(key!)).toBe(false);
  });

  // close() is idempotent: the second call returns the first call's promise and evicts nothing more.
  it('closes once however often it is called', async () => {
    const store = makeStore();
    const evict = vi.spyOn(store, 'evict');
    const lifetime = new ContextLifetime(store);
    lifetime.addKey([await store.put('v')]);
    const first = lifetime.close();
    expect(lifetime.close()).toBe(first);
    await first;
    await lifetime.close();
    expect(evict).toHaveBeenCalledTimes(1);
  });

  // A key attached twice (by key and by proxy) is evicted once.
  it('evicts a key attached twice only once', async () => {
    const store = makeStore();
    const evict = vi.spyOn(store, 'evict');
    const lifetime = new ContextLifetime(store);
    const key = await store.put('v');
    lifetime.addKey([key, key]);
    lifetime.addProxy(store.proxyFromKey(key));
    await lifetime.close();
    expect(evict).toHaveBeenCalledTimes(1);
  });

  // A proxy whose factory is not a store's is refused with ProxyStoreFactoryError.
  it('refuses a proxy that is not a store proxy', async () => {
    await using lifetime = new ContextLifetime(makeStore());
    expect(() => lifetime.addProxy(foreignProxy())).toThrow(ProxyStoreFactoryError);
    expect(() => lifetime.addProxy({ plain: 'object' })).toThrow(ProxyStoreFactoryError);
  });

  // After the end, attaching keys or proxies is a LifetimeEndedError naming the lifetime.
  it('refuses attachments once ended', async () => {
    const store = makeStore();
    const key = await store.put('value');
    const lifetime = new ContextLifetime(store, { name: 'finished' });
    await lifetime.close();
    expect(() => lifetime.addKey([key])).toThrow(LifetimeEndedError);
    expect(() => lifetime.addProxy(store.proxyFromKey(key))).toThrow(/Lifetime "finished" has ended/);
    expect(await store.exists(key)).toBe(true);
  });

  // closeStores closes the lifetime's store after evicting.
  it('closes its store when asked', async () => {
    const store = makeStore();
    const lifetime = new ContextLifetime(store);
    const key = await store.put('v');
    lifetime.addKey([key]);
    await lifetime.close({ closeStores: true });
    await expect(store.exists(key)).rejects.toThrow(/closed/);
  });
});

describe('LeaseLifetime', () => {
  // An expiry of now or in the past ends the lease on its first timer turn, evicting its objects.
  it.each([
    ['a Date in the past', new Date(0)],
    ['zero milliseconds', 0],
    ['a negative number', -1],
  ])('ends at once for %s', async (_name, expiry) => {
    const store = makeStore();
    const lifetime = new LeaseLifetime(store, { expiry });
    const key = await store.put('v');
    lifetime.addKey([key]);
    await lifetime.closed;
    expect(lifetime.done()).toBe(true);
    expect(await store.exists(key)).toBe(false);
    await lifetime.close(); // idempotent
  });

  // extend() with a number pushes the expiry back; the lease ends only at the new expiry.
  it('extends by milliseconds', async () => {
    vi.useFakeTimers({ now: 0 });
    const store = makeStore();
    const lifetime = new LeaseLifetime(store, { expiry: 1_000 });
    const key = await store.put('v', { lifetime });
    lifetime.extend(5_000);
    expect(lifetime.expiry.getTime()).toBe(6_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lifetime.done()).toBe(false);
    expect(await store.exists(key)).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    await lifetime.closed;
    expect(await store.exists(key)).toBe(false);
  });

  // extend() with a Date sets the expiry, even to an earlier time.
  it('extends to a date, earlier or later', async () => {
    vi.useFakeTimers({ now: 0 });
    const lifetime = new LeaseLifetime(makeStore(), { expiry: 10_000 });
    lifetime.extend(new Date(2_000));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lifetime.done()).toBe(true);
  });

  // Closing early works, cancels the timer, and extending afterwards is refused.
  it('can be closed before its expiry', async () => {
    const store = makeStore();
    const lifetime = new LeaseLifetime(store, { expiry: 3_600_000 });
    const key = await store.put('v', { lifetime });
    await lifetime.close();
    expect(await store.exists(key)).toBe(false);
    expect(() => lifetime.extend(1)).toThrow(LifetimeEndedError);
  });

  // A key attached twice (once in another field order) is held once: extending the lease tells
  // its owner once per key. The lease kept a list and told the owner of such a key twice.
  it('tells the owner of each key once when extended, however often the key was attached', async () => {
    const expire = vi.fn((_key: unknown, _ttlMs: number) => Promise.resolve(true));
    const store: LifetimeStore = { name: 'expiring', evict: () => Promise.resolve(), expire, close: () => Promise.resolve() };
    const lifetime = new LeaseLifetime(store, { expiry: 60_000 });
    lifetime.addKey([{ id: 'a', n: 1 }]);
    lifetime.addKey([{ n: 1, id: 'a' }, { id: 'b' }]);
    expire.mockClear();
    lifetime.extend(1_000);
    expect(expire.mock.calls.map(([key]) => key)).toEqual([{ id: 'a', n: 1 }, { id: 'b' }]);
    await lifetime.close();
  });

  // A malformed expiry is an InvalidArgumentError.
  it('rejects an invalid expiry', () => {
    expect(() => new LeaseLifetime(makeStore(), { expiry: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new LeaseLifetime(makeStore(), { expiry: new Date('nope') })).toThrow(InvalidArgumentError);
  });
});

describe('StaticLifetime', () => {
  // It is a singleton while live; a new one exists only once the previous has ended.
  it('is a singleton', async () => {
    const first = new StaticLifetime();
    expect(new StaticLifetime()).toBe(first);
    await first.close();
    expect(new StaticLifetime()).not.toBe(first);
  });

  // addKey needs the store, since the lifetime spans stores.
  it('requires the store for keys', () => {
    expect(() => new StaticLifetime().addKey(['k'])).toThrow(/requires the store parameter/);
  });

  // A proxy whose factory is not a store's is refused.
  it('refuses a proxy that is not a store proxy', () => {
    expect(() => new StaticLifetime().addProxy(foreignProxy())).toThrow(ProxyStoreFactoryError);
  });

  // Keys and proxies of several stores are all evicted at close, and both handles close it.
  it('evicts keys of every store', async () => {
    const a = makeStore();
    const b = makeStore();
    const [key1, key2, key3] = await Promise.all([a.put('1'), a.put('2'), b.put('3')]);
    const key4 = await b.put('4');
    const lifetime = new StaticLifetime();
    lifetime.addKey([key1, key2], a);
    lifetime.addProxy(b.proxyFromKey(key3), b.proxyFromKey(key4));
    await new StaticLifetime().close();
    await lifetime.close();
    expect(lifetime.done()).toBe(true);
    for (const [store, key] of [[a, key1], [a, key2], [b, key3], [b, key4]] as const) expect(await store.exists(key)).toBe(false);
  });

  // closeStores closes every store it held keys of.
  it('closes the stores when asked', async () => {
    const store = makeStore();
    await store.put('value', { lifetime: new StaticLifetime() });
    await new StaticLifetime().close({ closeStores: true });
    await expect(store.put('more')).rejects.toThrow(/closed/);
  });
});

describe('the lifetime option', () => {
  // put, putBatch, proxy, proxyBatch, proxyFromKey and future all attach what they make.
  it('attaches what every Store method makes', async () => {
    const store = makeStore();
    const lifetime = new ContextLifetime(store);
    const key = await store.put('a', { lifetime });
    const keys = await store.putBatch(['b', 'c'], { lifetime });
    const p = await store.proxy({ d: 1 }, { lifetime });
    const ps = await store.proxyBatch([{ e: 1 }, { f: 2 }], { lifetime });
    const other = await store.put('g');
    const fromKey = store.proxyFromKey(other, { lifetime });
    const future = await store.future<string>({ lifetime });
    await future.setResult('h');
    expect(extract(fromKey)).toBe('g');
    const all = [key, ...keys, other, future.key as LocalKey, ...[p, ...ps].map((x) => getKey(x) as LocalKey)];
    for (const k of all) expect(await store.exists(k)).toBe(true);
    await lifetime.close();
    for (const k of all) expect(await store.exists(k)).toBe(false);
  });

  // Objects are evicted when the lifetime ends even though proxies of them are still held.
  it('evicts objects whose proxies are still around', async () => {
    const store = makeStore();
    const lifetime = new ContextLifetime(store);
    const p = await store.proxy({ rows: [1, 2] }, { lifetime, populateTarget: false });
    await lifetime.close();
    expect(() => (p).rows).toThrow(/missing/);
  });

  // An ended lifetime is refused before anything is stored.
  it('refuses an ended lifetime without storing', async () => {
    const store = makeStore();
    const put = vi.spyOn(store.connector, 'put');
    const lifetime = new ContextLifetime(store);
    await lifetime.close();
    await expect(store.put('x', { lifetime })).rejects.toThrow(LifetimeEndedError);
    await expect(store.proxy({ x: 1 }, { lifetime })).rejects.toThrow(LifetimeEndedError);
    await expect(store.future({ lifetime })).rejects.toThrow(LifetimeEndedError);
    expect(() => store.proxyFromKey({ id: 'k' }, { lifetime })).toThrow(LifetimeEndedError);
    expect(put).not.toHaveBeenCalled();
  });

  // evict and lifetime are mutually exclusive, as in ProxyStore.
  it('refuses evict together with a lifetime', async () => {
    const store = makeStore();
    const lifetime = new ContextLifetime(store);
    await expect(store.proxy({ x: 1 }, { lifetime, evict: true })).rejects.toThrow(InvalidArgumentError);
    expect(() => store.proxyFromKey({ id: 'k' }, { lifetime, evict: true })).toThrow(InvalidArgumentError);
    await lifetime.close();
  });
});

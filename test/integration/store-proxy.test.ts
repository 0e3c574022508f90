import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnector, type LocalKey } from '../../src/connectors/local.js';
import { ProxyResolveError, ProxyResolveMissingKeyError, WouldDeadlockError } from '../../src/errors.js';
import { reviver } from '../../src/store/reviver.js';
import { extract, getKey, getReference, isProxy, isResolved, resolve } from '../../src/proxy/control.js';
import type { Payload } from '../../src/core/protocol.js';
import type { ProxyReference } from '../../src/core/reference.js';
import { setBlockingResolver } from '../../src/store/blocking-resolver.js';
import { getStore } from '../../src/store/registry.js';
import { Store } from '../../src/store/store.js';

let store: Store<LocalKey>;
let counter = 0;

function newStore(options: ConstructorParameters<typeof Store>[2] = {}): Store<LocalKey> {
  store = new Store(`proxy-store-${++counter}`, new LocalConnector(), options);
  return store;
}

afterEach(async () => {
  setBlockingResolver(undefined);
  // Stores the reviver built in this process are registered under the same name.
  await getStore(store.name)?.close();
  await store.close();
});

describe('Store.proxy', () => {
  // With populateTarget (the default) the proxy starts resolved and behaves like the object.
  it('makes a proxy that starts resolved and is transparent', async () => {
    newStore();
    const p = await store.proxy({ rows: [1, 2, 3], name: 'table' });
    expect(isProxy(p)).toBe(true);
    expect(isResolved(p)).toBe(true);
    expect(p.rows.length).toBe(3);
    expect(p.name).toBe('table');
  });

  // Without populateTarget the proxy resolves lazily, from the store, on first use.
  it('resolves lazily from the store when not populated', async () => {
    newStore({ populateTarget: false });
    const p = await store.proxy(new Map([['k', 'v']]));
    expect(isResolved(p)).toBe(false);
    expect(p.get('k')).toBe('v');
    expect(isResolved(p)).toBe(true);
    expect(await store.exists(getKey(p) as LocalKey)).toBe(true);
  });

  // A one-shot proxy (evict: true) evicts its object when it resolves.
  it('evicts on resolve for a one-shot proxy', async () => {
    newStore();
    const p = await store.proxy([1, 2, 3], { evict: true, populateTarget: false });
    const key = getKey(p) as LocalKey;
    expect(await resolve(p)).toEqual([1, 2, 3]);
    expect(await store.exists(key)).toBe(false);
  });

  // A second proxy of an evicted key fails with ProxyResolveMissingKeyError naming key, connector and store.
  it('explains a missing key when resolving', async () => {
    newStore();
    const key = await store.put({ gone: true });
    await store.evict(key);
    const p = store.proxyFromKey<{ gone: boolean }>(key);
    const error = await resolve(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyResolveMissingKeyError);
    expect((error as Error).message).toContain(JSON.stringify(key));
    expect((error as Error).message).toContain(`store "${store.name}" (local connector)`);
    expect((error as Error).message).toMatch(/probably evicted while proxies to it still existed/);
  });

  // Other failures are a ProxyResolveError whose cause is the underlying error.
  it('wraps other resolve failures with the cause', async () => {
    newStore({ populateTarget: false });
    const key = await store.connector.put({ codec: 'unknown-tag', data: new Uint8Array() });
    const error = await resolve(store.proxyFromKey(key)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyResolveError);
    expect((error as Error).cause).toMatchObject({ name: 'SerializationError' });
  });

  // Booleans, null and undefined cannot be proxied (ProxyStore's rule) unless skipped.
  it('refuses non-proxiable values unless skipNonproxiable', async () => {
    newStore();
    await expect(store.proxy(false)).rejects.toBeInstanceOf(TypeError);
    await expect(store.proxy(undefined)).rejects.toThrow(/always truthy.*skipNonproxiable/);
    expect(await store.proxy(null, { skipNonproxiable: true })).toBeNull();
  });

  // proxyBatch stores in one batch and returns one proxy per object, skipping non-proxiables when asked.
  it('makes proxies in a batch', async () => {
    newStore({ populateTarget: false });
    const [a, skipped, b] = await store.proxyBatch<unknown>([{ a: 1 }, undefined, ['b']], { skipNonproxiable: true });
    expect(skipped).toBeUndefined();
    expect(await resolve(a)).toEqual({ a: 1 });
    expect(Array.isArray(b)).toBe(true);
    expect(await resolve(b)).toEqual(['b']);
  });
});

describe('synchronous resolution', () => {
  // A proxy of an in-process (LocalConnector) object resolves on synchronous first use, without the bridge.
  it('reads in-process memory synchronously', async () => {
    newStore({ populateTarget: false, cacheSize: 0 });
    const p = await store.proxy({ n: 7 });
    expect(p.n).toBe(7);
  });

  // A one-shot proxy used synchronously evicts its in-process object too.
  it('evicts a one-shot proxy resolved synchronously', async () => {
    newStore({ populateTarget: false });
    const p = await store.proxy({ n: 1 }, { evict: true });
    expect(p.n).toBe(1);
    expect(await store.exists(getKey(p) as LocalKey)).toBe(false);
  });

  // Synchronous use of a proxy whose future only this thread could set throws WouldDeadlockError, not a hang.
  it('refuses to block on an unset in-process future', async () => {
    newStore();
    const future = await store.future<{ n: number }>();
    const p = future.proxy();
    let error: unknown;
    try {
      void p.n;
    } catch (e) {
      error = e;
    }
    const deadlock = error instanceof WouldDeadlockError ? error : (error as Error | undefined)?.cause;
    expect(deadlock).toBeInstanceOf(WouldDeadlockError);
    expect((deadlock as Error).message).toMatch(/only this thread could set it.*await resolve\(proxy\)/);
    await future.setResult({ n: 1 });
    expect(p.n).toBe(1);
  });

  // Where the value is not in this process, the installed blocking resolver is used, and the payload is deserialised here.
  it('goes through the blocking resolver for stores it cannot read synchronously', () => {
    const seen: ProxyReference[] = [];
    setBlockingResolver((reference): Payload => {
      seen.push(reference);
      return { codec: 'utf8', data: new TextEncoder().encode('from afar') };
    });
    newStore();
    const reference: ProxyReference = {
      $proxymesh: 'proxy',
      key: 'remote-key',
      store: { name: 'elsewhere', connector: { kind: 'not-here' } },
      evict: false,
      shape: 'object',
    };
    const p = JSON.parse(JSON.stringify({ p: reference }), reviver) as { p: string };
    expect(extract(p.p)).toBe('from afar');
    expect(seen).toEqual([reference]);
  });

  // Without a blocking resolver, such a proxy fails with advice to await resolve(proxy).
  // A synchronous use goes through the blocking bridge; a store it cannot rebuild is a named error.
  it('names the connector kind when the blocking bridge cannot rebuild the store', () => {
    newStore();
    const text = JSON.stringify({ $proxymesh: 'proxy', key: 'k', store: { name: 'elsewhere', connector: { kind: 'not-here' } }, evict: false, shape: 'object' });
    const p = JSON.parse(text, reviver) as { x: number };
    let error: unknown;
    try {
      void p.x;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProxyResolveError);
    expect(((error as Error).cause as Error).message).toContain('Unknown connector kind "not-here"');
  });
});

describe('JSON round trip', () => {
  // A proxy stringifies to its reference (key + store config), never its data, and the reviver makes a live proxy of it.
  it('sends a proxy as a reference and revives it', async () => {
    newStore();
    const p = await store.proxy({ big: 'data'.repeat(10) });
    const text = JSON.stringify({ input: p });
    expect(text).not.toContain('datadata');
    const ref = (JSON.parse(text) as { input: ProxyReference }).input;
    expect(ref).toMatchObject({ $proxymesh: 'proxy', key: getKey(p), evict: false, shape: 'object', store: store.config() });
    const { input } = JSON.parse(text, reviver) as { input: { big: string } };
    expect(isProxy(input)).toBe(true);
    expect(isResolved(input)).toBe(false);
    expect(await resolve(input)).toEqual({ big: 'data'.repeat(10) });
    expect(getReference(input)).toEqual(ref);
  });

  // A revived array proxy answers Array.isArray before resolving: the shape travels with the reference.
  it('keeps the shape across the round trip', async () => {
    newStore();
    const revived = JSON.parse(JSON.stringify(await store.proxy([1, 2])), reviver) as number[];
    expect(Array.isArray(revived)).toBe(true);
    expect(isResolved(revived)).toBe(false);
    expect(revived[1]).toBe(2);
  });

  // A malformed reference is refused with a message naming the field.
  it('refuses a malformed reference', () => {
    expect((): unknown => JSON.parse('{"$proxymesh":"proxy","key":"k","evict":"yes"}', reviver)).toThrow(/"evict" must be a boolean/);
    expect((): unknown => JSON.parse('{"$proxymesh":"other"}', reviver)).toThrow(/"\$proxymesh" must be/);
  });
});

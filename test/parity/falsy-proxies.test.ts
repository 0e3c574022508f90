/**
 * ProxyStore proxies every value except `None` and booleans; here that is every value except
 * `null`, `undefined` and booleans, so JavaScript's other falsy values (`0`, `''`, `NaN`, `0n`)
 * are proxied like any primitive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnector, Store, extract, getStore, isProxy, isResolved, resolve, reviver } from '../../src/index.js';

let store: Store;
let counter = 0;
const newStore = (): Store => (store = new Store(`falsy-${++counter}`, new LocalConnector(), { populateTarget: false, register: true }));

afterEach(async () => {
  await store.close();
});

describe('falsy values', () => {
  // Each resolves lazily to exactly the value, by await and by a synchronous first use after JSON.
  it.each([0, '', Number.NaN, 0n])('proxies %s', async (value) => {
    newStore();
    const p = await store.proxy(value);
    expect(isProxy(p)).toBe(true);
    expect(isResolved(p)).toBe(false);
    expect(Object.is(await resolve(p), value)).toBe(true);
    const revived = JSON.parse(JSON.stringify({ p }), reviver) as { p: typeof value };
    expect(Object.is(extract(revived.p), value)).toBe(true);
    expect(getStore(store.name)).toBe(store);
  });

  // A proxy of 0 or '' behaves like it where JavaScript asks the proxy (comparison, arithmetic, text).
  it('behaves like the value in operators', async () => {
    newStore();
    const zero = await store.proxy(0);
    const empty = await store.proxy('');
    expect(zero == 0).toBe(true);
    expect(zero + 1).toBe(1);
    expect(`${empty}x`).toBe('x');
    expect(empty.length).toBe(0);
  });

  // Exactly what ProxyStore refuses is refused (TypeError), or returned as is with skipNonproxiable.
  it('refuses only null, undefined and booleans', async () => {
    newStore();
    for (const value of [null, undefined, true, false]) {
      await expect(store.proxy(value)).rejects.toBeInstanceOf(TypeError);
      expect(await store.proxy(value, { skipNonproxiable: true })).toBe(value);
    }
  });

  // A batch proxies falsy values and skips only the refused ones.
  it('proxies falsy values in a batch', async () => {
    newStore();
    const out = await store.proxyBatch<unknown>([0, null, '', false], { skipNonproxiable: true });
    expect(out.map((v) => isProxy(v))).toEqual([true, false, true, false]);
    expect(await resolve(out[0])).toBe(0);
    expect(await resolve(out[2])).toBe('');
    await expect(store.proxyBatch<unknown>([0, null])).rejects.toThrow(/cannot stand for null/);
  });
});

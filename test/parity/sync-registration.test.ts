/**
 * A process that revives a mesh proxy ends in the same state whether its first use is
 * synchronous (blocking) or `await resolve(p)`: the store is built and registered under its name,
 * and its cache holds the object, so later uses there are served from the cache.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MeshConnector, Store, getKey } from '../../src/index.js';
import { suiteChild } from '../helpers/suite-child.js';

type Registered = { registered: boolean; cached: boolean };

describe('the store a revived proxy resolves through', () => {
  const child = suiteChild('proxy-node');
  const stores: Store[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  const proxyIn = async (name: string): Promise<{ text: string; key: unknown }> => {
    const store = new Store(name, new MeshConnector());
    stores.push(store);
    const p = await store.proxy({ rows: [1, 2, 3] });
    return { text: JSON.stringify([p]), key: getKey(p) };
  };

  // Checked first for a store the child never met, so the state after each path is its doing.
  it('is registered and caches the object after a synchronous first use, as after an awaited one', async () => {
    const viaUse = await proxyIn('sync-registration-use');
    const viaAwait = await proxyIn('sync-registration-await');
    expect(await child().call<Registered>('registered', { name: 'sync-registration-use', key: viaUse.key })).toEqual({ registered: false, cached: false });
    const [used] = await child().call<{ value: unknown }[]>('use', { text: viaUse.text });
    const [awaited] = await child().call<{ value: unknown }[]>('resolve', { text: viaAwait.text });
    expect([used?.value, awaited?.value]).toEqual([{ rows: [1, 2, 3] }, { rows: [1, 2, 3] }]);
    const afterUse = await child().call<Registered>('registered', { name: 'sync-registration-use', key: viaUse.key });
    const afterAwait = await child().call<Registered>('registered', { name: 'sync-registration-await', key: viaAwait.key });
    expect(afterUse).toEqual({ registered: true, cached: true });
    expect(afterUse).toEqual(afterAwait);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connectors/local.js';
import { StoreExistsError } from '../../src/errors.js';
import { getOrCreateStore } from '../../src/store/get-or-create.js';
import { getStore, registerStore, unregisterStore } from '../../src/store/registry.js';
import { Store } from '../../src/store/store.js';

const opened: Store[] = [];
const track = <S extends Store>(s: S): S => (opened.push(s), s);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

describe('store registry', () => {
  // register: true puts the store in the registry under its name.
  it('registers on request and finds the store by name', () => {
    const store = track(new Store('reg-a', new LocalConnector(), { register: true }));
    expect(getStore('reg-a')).toBe(store);
  });

  // A second store with a registered name is refused with StoreExistsError, unless existOk replaces it.
  it('refuses a conflicting registration unless existOk', () => {
    const first = track(new Store('reg-b', new LocalConnector(), { register: true }));
    expect(() => track(new Store('reg-b', new LocalConnector(), { register: true }))).toThrow(StoreExistsError);
    const second = track(new Store('reg-b', new LocalConnector()));
    expect(() => registerStore(second)).toThrow(/already registered.*existOk/);
    registerStore(first);
    registerStore(second, { existOk: true });
    expect(getStore('reg-b')).toBe(second);
  });

  // unregisterStore by name removes it; by store only if that store is the one registered.
  it('unregisters by name, or by store only when it is the registered one', () => {
    const a = track(new Store('reg-c', new LocalConnector(), { register: true }));
    const b = track(new Store('reg-c', new LocalConnector()));
    expect(unregisterStore(b)).toBe(false);
    expect(getStore('reg-c')).toBe(a);
    expect(unregisterStore('reg-c')).toBe(true);
    expect(getStore('reg-c')).toBeUndefined();
  });

  // Closing a registered store takes it out of the registry.
  it('unregisters a store when it closes', async () => {
    const store = new Store('reg-d', new LocalConnector(), { register: true });
    await store.close();
    expect(getStore('reg-d')).toBeUndefined();
  });

  // getOrCreateStore returns the registered store of that name.
  it('getOrCreateStore returns the registered store', async () => {
    const store = track(new Store('reg-e', new LocalConnector(), { register: true }));
    expect(await getOrCreateStore(store.config())).toBe(store);
  });

  // getOrCreateStore builds a store from the config, registers it, and it shares the original's objects.
  it('getOrCreateStore builds and registers a store from config', async () => {
    const original = track(new Store('reg-f', new LocalConnector()));
    const key = await original.put('shared');
    const built = track(await getOrCreateStore(JSON.parse(JSON.stringify(original.config())) as ReturnType<Store['config']>));
    expect(built).not.toBe(original);
    expect(getStore('reg-f')).toBe(built);
    expect(await built.get(key)).toBe('shared');
  });

  // register: false leaves a built store out of the registry.
  it('getOrCreateStore can leave the new store unregistered', async () => {
    const original = track(new Store('reg-g', new LocalConnector()));
    track(await getOrCreateStore(original.config(), { register: false }));
    expect(getStore('reg-g')).toBeUndefined();
  });

  // Concurrent first uses of one config build one store, not one each (no StoreExistsError race).
  it('getOrCreateStore builds one store for concurrent callers', async () => {
    const original = track(new Store('reg-h', new LocalConnector()));
    const [x, y] = await Promise.all([getOrCreateStore(original.config()), getOrCreateStore(original.config())]);
    track(x);
    expect(y).toBe(x);
  });
});

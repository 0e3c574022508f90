// ProxyStore's tests/store/ref_test.py and scopes_test.py, ported: OwnedProxy, RefProxy,
// RefMutProxy, borrow rules, clone, intoOwned, update, moving by serialisation, submit.
import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnector, type LocalKey } from '../../src/connectors/local.js';
import {
  InvalidArgumentError,
  MutableBorrowError,
  NotImplementedError,
  ProxyStoreFactoryError,
  ReferenceInvalidError,
  ReferenceNotOwnedError,
} from '../../src/errors.js';
import { reviver } from '../../src/store/reviver.js';
import { createProxy } from '../../src/proxy/create.js';
import { extract, getKey, isResolved } from '../../src/proxy/control.js';
import { borrow, mutBorrow } from '../../src/store/ownership/borrow.js';
import { isOwnedProxy, isRefMutProxy, isRefProxy } from '../../src/store/ownership/make.js';
import { clone, intoOwned, release } from '../../src/store/ownership/owned.js';
import { markRefsOutOfScope, submit } from '../../src/store/ownership/scopes.js';
import type { OwnedProxy } from '../../src/store/ownership/types.js';
import { update } from '../../src/store/ownership/update.js';
import { Store } from '../../src/store/store.js';

const stores: Store<LocalKey>[] = [];

function makeStore(populateTarget = false): Store<LocalKey> {
  const store = new Store(`ownership-${stores.length}-${Math.random()}`, new LocalConnector(), { cacheSize: 0, populateTarget });
  stores.push(store);
  return store;
}

const keyOf = (p: unknown): LocalKey => getKey(p) as LocalKey;

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('OwnedProxy', () => {
  // Releasing an owner (here by leaving a `using` block) evicts its object.
  it('evicts its object when released by using', async () => {
    const store = makeStore();
    let key: LocalKey;
    {
      using owned = await store.ownedProxy('value');
      key = keyOf(owned);
      expect(isOwnedProxy(owned)).toBe(true);
      expect(await store.exists(key)).toBe(true);
    }
    expect(await store.exists(key)).toBe(false);
  });

  // After release, any use is a ReferenceInvalidError; release is idempotent.
  it('is invalid after release', async () => {
    const store = makeStore();
    const owned = await store.ownedProxy({ a: 1 });
    await release(owned);
    await release(owned);
    expect(() => owned.a).toThrow(ReferenceInvalidError);
  });

  // Serialising an owner moves it: the sender's copy is invalid, the revived one works and owns.
  it('moves ownership when serialised', async () => {
    const store = makeStore();
    const owned = await store.ownedProxy({ v: 'value' });
    const text = JSON.stringify(owned);
    expect(() => owned.v).toThrow(ReferenceInvalidError);
    expect(() => JSON.stringify(owned)).toThrow(ReferenceInvalidError);
    // The store is not registered, so revive against a store of the same config via getOrCreate.
    const moved = JSON.parse(text, reviver) as OwnedProxy<{ v: string }>;
    expect(isOwnedProxy(moved)).toBe(true);
    expect(await store.exists(keyOf(owned))).toBe(true); // the sender's copy evicted nothing
  });
});

describe('borrowing', () => {
  // Borrows behave as the value, and many shared borrows coexist.
  it('shared borrows behave as the value', async () => {
    const owned = await makeStore().ownedProxy(['value']);
    const b1 = borrow(owned);
    const b2 = borrow(owned);
    expect(b1[0]).toBe('value');
    expect(b2[0]).toBe('value');
    expect(isRefProxy(b1)).toBe(true);
  });

  // A mutable borrow behaves as the value.
  it('a mutable borrow behaves as the value', async () => {
    const owned = await makeStore().ownedProxy(['value']);
    const b = mutBorrow(owned);
    expect(isRefMutProxy(b)).toBe(true);
    expect(b[0]).toBe('value');
  });

  // Borrowing resolves neither the owner nor the borrow.
  it.each([['borrow', borrow], ['mutBorrow', mutBorrow]] as const)('%s does not resolve', async (_name, fn) => {
    const owned = await makeStore().ownedProxy(['value']);
    expect(isResolved(owned)).toBe(false);
    const b = fn(owned);
    expect(isResolved(owned)).toBe(false);
    expect(isResolved(b)).toBe(false);
    expect(b[0]).toBe('value');
  });

  // populateTarget copies a resolved owner's target into the borrow (or not, when false).
  it.each([true, false])('populateTarget %s', async (populateTarget) => {
    const owned = await makeStore(true).ownedProxy(['value']);
    expect(isResolved(owned)).toBe(true);
    expect(isResolved(borrow(owned, { populateTarget }))).toBe(populateTarget);
  });

  // An owner cannot be released while borrowed; it can once the borrow is released.
  it('refuses to release a borrowed owner', async () => {
    const store = makeStore();
    const owned = await store.ownedProxy('value');
    const b = borrow(owned);
    expect(() => release(owned)).toThrow(MutableBorrowError);
    await release(b);
    await release(owned);
    expect(await store.exists(keyOf(owned))).toBe(false);
  });

  // The borrowing rules, with ProxyStore's errors.
  it('enforces one mutable or many shared borrows', async () => {
    const owned = await makeStore().ownedProxy('value');
    const m = mutBorrow(owned);
    expect(() => borrow(owned)).toThrow(MutableBorrowError);
    expect(() => mutBorrow(owned)).toThrow(MutableBorrowError);
    await release(m);
    const r = borrow(owned);
    expect(() => mutBorrow(owned)).toThrow(/already borrowed as immutable/);
    expect(() => borrow(r as never)).toThrow(ReferenceNotOwnedError);
    expect(() => mutBorrow(r as never)).toThrow(ReferenceNotOwnedError);
  });

  // Serialising a borrow invalidates only that borrow; the owner stays borrowed until marked out of scope.
  it.each([['borrow', borrow], ['mutBorrow', mutBorrow]] as const)('serialising a %s moves it', async (_name, fn) => {
    const owned = await makeStore().ownedProxy(['value']);
    const b = fn(owned);
    JSON.stringify(b);
    expect(() => b[0]).toThrow(ReferenceInvalidError);
    expect(() => release(owned)).toThrow(MutableBorrowError);
    markRefsOutOfScope(b);
    await release(owned);
  });
});

describe('clone, intoOwned, update', () => {
  // clone copies the object under a new key; it outlives the original owner.
  it('clones', async () => {
    const store = makeStore();
    const owned = await store.ownedProxy(['value']);
    const cloned = await clone(owned);
    expect(isOwnedProxy(cloned)).toBe(true);
    await release(owned);
    expect(cloned[0]).toBe('value');
    await expect(clone(borrow(cloned) as never)).rejects.toThrow(ReferenceNotOwnedError);
  });

  // A resolved owner's target is deep-copied into the clone.
  it('deep-copies a resolved target', async () => {
    const owned = await makeStore(true).ownedProxy([1, 2, 3]);
    const cloned = await clone(owned);
    expect(isResolved(cloned)).toBe(true);
    cloned.push(4);
    expect(extract(cloned)).toEqual([1, 2, 3, 4]);
    expect(extract(owned)).toEqual([1, 2, 3]);
  });

  // intoOwned turns a plain proxy into an owner without resolving it; refuses owners and foreign proxies.
  it('converts a plain proxy into an owner', async () => {
    const store = makeStore();
    const plain = await store.proxy(['value']);
    expect(isResolved(plain)).toBe(false);
    const owned = intoOwned(plain);
    expect(isResolved(plain)).toBe(false);
    expect(isOwnedProxy(owned)).toBe(true);
    expect(() => intoOwned(owned)).toThrow(InvalidArgumentError);
    const foreign = createProxy({ resolve: () => Promise.resolve(1), resolveSync: () => 1, reference: () => ({ $proxymesh: 'proxy', key: 'k', store: { name: 'x', connector: { kind: 'local' } }, evict: false, shape: 'object' }) });
    expect(() => intoOwned(foreign)).toThrow(ProxyStoreFactoryError);
  });

  // update writes the modified local copy back under the same key.
  it('updates the stored value', async () => {
    const store = makeStore();
    const owned = await store.ownedProxy([1, 2, 3]);
    owned.push(4);
    await update(owned);
    expect(await store.get(keyOf(owned))).toEqual([1, 2, 3, 4]);
  });

  // update of an unresolved owner does nothing; of a borrowed owner or a RefProxy is refused.
  it('refuses what it must', async () => {
    const store = makeStore();
    const owned = await store.ownedProxy([1, 2, 3]);
    await update(owned);
    expect(isResolved(owned)).toBe(false);
    const r = borrow(owned);
    await expect(update(r as never)).rejects.toThrow(ReferenceNotOwnedError);
    await expect(update(owned)).rejects.toThrow(MutableBorrowError);
  });

  // A connector that cannot replace values says so with NotImplementedError.
  it('needs a replaceable connector', async () => {
    const connector = new LocalConnector();
    Object.defineProperty(connector, 'replace', { value: undefined });
    const store = new Store(`no-replace-${Math.random()}`, connector, { cacheSize: 0 });
    stores.push(store);
    const owned = await store.ownedProxy([1]);
    owned.push(2);
    await expect(update(owned)).rejects.toThrow(NotImplementedError);
  });
});

describe('scopes', () => {
  // markRefsOutOfScope invalidates borrows and gives them back, so a mutable borrow works again.
  it('marks borrows out of scope', async () => {
    const store = makeStore();
    const p1 = await store.ownedProxy(['value1']);
    const p2 = await store.ownedProxy(['value2']);
    const b1 = borrow(p1);
    const b2 = borrow(p1);
    const b3 = mutBorrow(p2);
    markRefsOutOfScope(b1, b2, b3, b1);
    for (const b of [b1, b2, b3]) expect(() => b[0]).toThrow(ReferenceInvalidError);
    mutBorrow(p1);
    mutBorrow(p2);
  });

  // A revived borrow has no owner here: marking it is a ReferenceNotOwnedError.
  it('refuses a borrow without its owner', async () => {
    const owned = await makeStore().ownedProxy(['v']);
    const revived = JSON.parse(JSON.stringify(borrow(owned)), reviver) as string[];
    expect(() => markRefsOutOfScope(revived)).toThrow(/no reference to its owner/);
  });

  // submit runs the task and then marks its borrow arguments (and custom ones) out of scope, without resolving.
  it('submit marks borrows out of scope when the task settles', async () => {
    const store = makeStore();
    const [p1, p2, p3] = await Promise.all([store.ownedProxy([2]), store.ownedProxy([3]), store.ownedProxy([7])]);
    const [b1, b2, b3] = [borrow(p1), borrow(p2), borrow(p3)];
    const result = await submit((a: number[], b: number[]) => Promise.resolve(a[0]! + b[0]!), [b1, b2], { registerCustomRefs: [b3] });
    expect(result).toBe(5);
    for (const b of [b1, b2, b3]) expect(() => b[0]).toThrow(ReferenceInvalidError);
    await expect(submit((_b: number[]) => Promise.reject(new Error('task failed')), [borrow(p1)])).rejects.toThrow('task failed');
    mutBorrow(p1);
  });
});

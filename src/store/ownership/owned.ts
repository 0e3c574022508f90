/**
 * Owning: `intoOwned` (a plain store proxy becomes the owner of its object), `clone` (a new
 * owner of a copy) and `release` (the explicit form of `using`).
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import { extract, getFactory, isResolved } from '../../proxy/control.js';
import { storeKeyOf } from '../lifetimes/proxy-key.js';
import type { StoreFactory } from '../store-factory.js';
import { ownerOf } from './borrow.js';
import { makeRef, refFactoryOf } from './make.js';
import type { OwnedProxy } from './types.js';

/** Options of `intoOwned`. */
export interface IntoOwnedOptions {
  /** Start the owner resolved to the proxy's target when the proxy is resolved. Default true. */
  readonly populateTarget?: boolean | undefined;
}

/**
 * Turns a plain store proxy into the owner of its object: the object is evicted when the owner
 * is released or collected. The proxy's one-shot `evict` flag is dropped. Make sure no other
 * copy of the proxy is meant to own it.
 * @param proxy - a plain proxy made by a store.
 * @param options - `populateTarget`.
 * @returns the owner.
 * @throws InvalidArgumentError when `proxy` already is an ownership proxy.
 * @throws ProxyStoreFactoryError when `proxy`'s factory is not a store's.
 */
export function intoOwned<T>(proxy: T, options: IntoOwnedOptions = {}): OwnedProxy<T> {
  if (refFactoryOf(proxy) !== undefined) throw new InvalidArgumentError('Only a plain proxy can be converted into an owned proxy: this one already is an OwnedProxy, RefProxy or RefMutProxy.');
  const { source } = storeKeyOf(proxy);
  const factory = getFactory(proxy) as StoreFactory<T>;
  const spec = { reference: factory.reference(), source, kind: 'owned' as const, polling: factory.polling };
  const populate = (options.populateTarget ?? true) && isResolved(proxy);
  return makeRef<T>(populate ? { ...spec, target: extract(proxy) } : spec).proxy as OwnedProxy<T>;
}

/**
 * Copies an owned object under a new key (bytes to bytes, nothing deserialised) and returns its
 * owner. A resolved owner's target is deep-copied into the clone (`structuredClone`) when it can
 * be; otherwise the clone resolves on first use.
 * @param proxy - the owner.
 * @returns the new owner.
 * @throws ReferenceNotOwnedError when `proxy` is not an `OwnedProxy`.
 * @throws ReferenceInvalidError when the owner is no longer valid.
 * @throws KeyNotFoundError when the object is gone from the store.
 */
export async function clone<T>(proxy: OwnedProxy<T>): Promise<OwnedProxy<T>> {
  const factory = ownerOf(proxy, 'cloned');
  const reference = factory.reference();
  const store = await factory.source.open();
  const payload = await store.connector.get(reference.key);
  if (payload === undefined) throw new InvalidArgumentError(`Cannot clone the OwnedProxy of key ${JSON.stringify(reference.key)}: its object is no longer in store "${store.name}".`);
  const key = await store.connector.put(payload);
  const spec = { reference: { ...reference, key }, source: factory.source, kind: 'owned' as const, polling: factory.polling };
  let copy: { value: T } | undefined;
  if (isResolved(proxy)) {
    try {
      copy = { value: structuredClone(extract(proxy)) };
    } catch {
      copy = undefined; // not cloneable here (functions, class instances' methods): resolve later
    }
  }
  return makeRef<T>(copy !== undefined ? { ...spec, target: copy.value } : spec).proxy as OwnedProxy<T>;
}

/**
 * Releases an ownership proxy now: an owner evicts its object, a borrow gives its borrow back
 * to its owner; the reference becomes invalid. What `using` and `await using` do. Idempotent.
 * @param proxy - an `OwnedProxy`, `RefProxy` or `RefMutProxy`.
 * @returns when an owner's object is evicted.
 * @throws TypeError when `proxy` is not an ownership proxy.
 * @throws MutableBorrowError when an owner is still borrowed.
 */
export function release(proxy: unknown): Promise<void> {
  const factory = refFactoryOf(proxy);
  if (factory === undefined) throw new TypeError('release() expects an OwnedProxy, RefProxy or RefMutProxy.');
  return factory.release();
}

/**
 * Borrowing, ProxyStore's `borrow` and `mut_borrow`: many shared borrows or one mutable one,
 * never both; a borrow keeps its owner alive and must be released (or marked out of scope)
 * before the owner can be.
 * @module
 */
import { MutableBorrowError, ReferenceNotOwnedError } from '../../errors.js';
import { extract, isResolved } from '../../proxy/control.js';
import { makeRef, refFactoryOf } from './make.js';
import type { RefFactory } from './ref-factory.js';
import type { OwnedProxy, RefMutProxy, RefProxy } from './types.js';

/** Options of `borrow` and `mutBorrow`. */
export interface BorrowOptions {
  /** Start the borrow resolved to the owner's target when the owner is resolved. Default true. */
  readonly populateTarget?: boolean | undefined;
}

/**
 * The factory of a valid owner.
 * @param proxy - what should be an `OwnedProxy`.
 * @param what - the operation, for the message (`borrowed`, `cloned`).
 * @returns its factory.
 * @throws ReferenceNotOwnedError when it is not an `OwnedProxy`.
 * @throws ReferenceInvalidError when it is no longer valid.
 */
export function ownerOf(proxy: unknown, what: string): RefFactory {
  const factory = refFactoryOf(proxy);
  if (factory?.kind !== 'owned') throw new ReferenceNotOwnedError(`Only owned references can be ${what}: got ${factory === undefined ? 'something that is not an OwnedProxy' : `a ${factory.typeName}`}.`);
  factory.assertValid();
  return factory;
}

function lend<T>(owner: OwnedProxy<T>, factory: RefFactory, kind: 'ref' | 'mut', options: BorrowOptions): T {
  const populate = (options.populateTarget ?? true) && isResolved(owner);
  const spec = { reference: factory.reference(), source: factory.source, kind, polling: factory.polling };
  const made = makeRef<T>(populate ? { ...spec, target: extract(owner) } : spec);
  made.factory.owner = { proxy: owner, factory };
  if (kind === 'ref') factory.refs += 1;
  else factory.muts += 1;
  return made.proxy;
}

/**
 * Borrows an owned object: a `RefProxy` of it. Does not resolve anything.
 * @param proxy - the owner.
 * @param options - `populateTarget`.
 * @returns the shared borrow.
 * @throws ReferenceNotOwnedError when `proxy` is not an `OwnedProxy`.
 * @throws ReferenceInvalidError when the owner is no longer valid.
 * @throws MutableBorrowError when the owner is mutably borrowed.
 * @example
 * ```ts
 * const owned = await store.ownedProxy([1, 2, 3]);
 * using view = borrow(owned);
 * ```
 */
export function borrow<T>(proxy: OwnedProxy<T>, options: BorrowOptions = {}): RefProxy<T> {
  const factory = ownerOf(proxy, 'borrowed');
  if (factory.muts > 0) throw new MutableBorrowError('The OwnedProxy was already borrowed as mutable: release that RefMutProxy first.');
  return lend(proxy, factory, 'ref', options) as RefProxy<T>;
}

/**
 * Borrows an owned object mutably: a `RefMutProxy`, the only borrow while it lives.
 * @param proxy - the owner.
 * @param options - `populateTarget`.
 * @returns the mutable borrow.
 * @throws ReferenceNotOwnedError when `proxy` is not an `OwnedProxy`.
 * @throws ReferenceInvalidError when the owner is no longer valid.
 * @throws MutableBorrowError when the owner is already borrowed (shared or mutably).
 */
export function mutBorrow<T>(proxy: OwnedProxy<T>, options: BorrowOptions = {}): RefMutProxy<T> {
  const factory = ownerOf(proxy, 'borrowed');
  if (factory.muts > 0) throw new MutableBorrowError('The OwnedProxy was already borrowed as mutable: release that RefMutProxy first.');
  if (factory.refs > 0) throw new MutableBorrowError(`The OwnedProxy was already borrowed as immutable (${factory.refs} RefProxy): release them first.`);
  return lend(proxy, factory, 'mut', options) as RefMutProxy<T>;
}


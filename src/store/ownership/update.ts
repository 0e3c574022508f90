/**
 * `update`, ProxyStore's write-back: the owner's (or mutable borrow's) local, modified copy
 * becomes the stored value, under the same key.
 * @module
 */
import { MutableBorrowError, ReferenceNotOwnedError } from '../../errors.js';
import { extract, isResolved } from '../../proxy/control.js';
import type { Serializer } from '../../serialize/custom.js';
import { refFactoryOf } from './make.js';
import type { OwnedProxy, RefMutProxy } from './types.js';

/** Options of `update`. */
export interface UpdateOptions {
  /** Overrides the store's serializer for this write. */
  readonly serializer?: Serializer | undefined;
}

/**
 * Writes the local copy of an owned object back to its store, replacing the stored value.
 * Nothing to do when the proxy is unresolved. Other processes' cached copies are not
 * invalidated. Needs a connector that can replace values: Local, File, Redis and mesh connectors
 * can (on the mesh, only the process that put the object).
 * @param proxy - an `OwnedProxy` (not borrowed) or a `RefMutProxy`.
 * @param options - a serializer.
 * @throws ReferenceNotOwnedError when `proxy` is a `RefProxy` or not an ownership proxy.
 * @throws MutableBorrowError when an owner is borrowed.
 * @throws ReferenceInvalidError when the reference is no longer valid.
 * @throws NotImplementedError when the store's connector cannot replace values.
 * @throws PermissionDeniedError on the mesh, when another process put the object.
 */
export async function update<T>(proxy: OwnedProxy<T> | RefMutProxy<T>, options: UpdateOptions = {}): Promise<void> {
  const factory = refFactoryOf(proxy);
  if (factory === undefined || factory.kind === 'ref') throw new ReferenceNotOwnedError('update() needs an OwnedProxy or a RefMutProxy: a RefProxy is an immutable borrow.');
  factory.assertValid();
  if (factory.kind === 'owned' && (factory.refs > 0 || factory.muts > 0)) throw new MutableBorrowError('The OwnedProxy has been borrowed, so it cannot be mutated: release its borrows first.');
  if (!isResolved(proxy)) return;
  const store = await factory.source.open();
  await store.replace(factory.reference().key, extract(proxy), { serializer: options.serializer });
}

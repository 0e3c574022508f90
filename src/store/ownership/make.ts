/**
 * Making ownership proxies and telling them apart.
 * @module
 */
import type { ReferenceKind, ProxyReference } from '../../core/reference.js';
import { createProxy } from '../../proxy/create.js';
import { getFactory, isProxy } from '../../proxy/control.js';
import type { PollingOptions } from '../polling.js';
import type { StoreSource } from '../store-source.js';
import { RefFactory } from './ref-factory.js';

/** What a new ownership proxy stands for. */
export interface RefSpec<T> {
  /** The object's reference. */
  readonly reference: ProxyReference;
  /** Where its store comes from. */
  readonly source: StoreSource;
  /** Owner, shared or mutable borrow. */
  readonly kind: ReferenceKind;
  /** The target, when this process has it: the proxy starts resolved. */
  readonly target?: T;
  /** Polling for a future's value. */
  readonly polling?: PollingOptions | undefined;
}

/**
 * Makes an ownership proxy and starts its GC backstop.
 * @param spec - reference, source, kind and optional target.
 * @returns the proxy and its factory.
 */
export function makeRef<T>(spec: RefSpec<T>): { proxy: T; factory: RefFactory<T> } {
  const factory = new RefFactory<T>(spec.reference, spec.source, spec.kind, spec.polling);
  const shape = spec.reference.shape;
  const proxy = createProxy(factory, Object.hasOwn(spec, 'target') ? { shape, target: spec.target as T } : { shape });
  factory.track(proxy as object);
  return { proxy, factory };
}

/**
 * The ownership factory behind a value, if it is an ownership proxy.
 * @param value - anything.
 * @returns the factory, or `undefined`.
 */
export function refFactoryOf(value: unknown): RefFactory | undefined {
  if (!isProxy(value)) return undefined;
  const factory = getFactory(value);
  return factory instanceof RefFactory ? (factory as RefFactory) : undefined;
}

/**
 * Whether a value is an `OwnedProxy` (valid or not). Never resolves it.
 * @param value - anything.
 * @returns true for owned proxies.
 */
export function isOwnedProxy(value: unknown): boolean {
  return refFactoryOf(value)?.kind === 'owned';
}

/**
 * Whether a value is a `RefProxy` (a shared borrow). Never resolves it.
 * @param value - anything.
 * @returns true for shared borrows.
 */
export function isRefProxy(value: unknown): boolean {
  return refFactoryOf(value)?.kind === 'ref';
}

/**
 * Whether a value is a `RefMutProxy` (a mutable borrow). Never resolves it.
 * @param value - anything.
 * @returns true for mutable borrows.
 */
export function isRefMutProxy(value: unknown): boolean {
  return refFactoryOf(value)?.kind === 'mut';
}

/**
 * Revives an ownership proxy from its JSON reference (the reviver calls it): ownership moves
 * here. A revived owner evicts when released or collected; a revived borrow has no owner here.
 * @param reference - a reference with `ownership`.
 * @param source - where its store comes from.
 * @returns the proxy.
 */
export function reviveRef(reference: ProxyReference & { ownership: ReferenceKind }, source: StoreSource): unknown {
  return makeRef({ reference, source, kind: reference.ownership }).proxy;
}

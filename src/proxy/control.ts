/**
 * The proxy control functions, ProxyStore's `proxystore.proxy` helpers. They are free functions
 * rather than members because any member name could shadow a property of the target. None of
 * them touches the proxy's traps, so none resolves a proxy unless that is its purpose.
 *
 * Each throws a `TypeError` when given something that is not a proxymesh proxy, except
 * `isProxy`, which answers that question.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import type { Factory } from './factory.js';
import type { ProxyReference } from '../core/reference.js';
import { lookupState, requireState } from './state.js';

/**
 * Resolves a proxy without blocking: awaits `factory.resolve()` (shared with any resolution
 * already in flight). Afterwards synchronous uses never block. Resolving a resolved proxy
 * returns its cached target.
 * @param proxy - a proxy
 * @returns the target (for a primitive target, the primitive)
 * @throws TypeError if `proxy` is not a proxy; ProxyResolveError (as a rejection) if the factory
 *   fails, with the factory's error as `cause`; the proxy then stays unresolved
 * @example
 * const value = await resolve(p); // p is now resolved; value === extract(p)
 */
export function resolve<T>(proxy: T): Promise<T> {
  const state = requireState(proxy, 'resolve');
  return state.resolve() as Promise<T>; // the state holds a T: createProxy made it from a Factory<T>
}

/**
 * Starts resolving a proxy in the background (a prefetch) and returns at once. A later
 * `resolve(p)` shares the same call. A synchronous use cannot wait for a promise: if the prefetch
 * has finished it uses the result, and if it is still in flight it resolves synchronously
 * itself, the first result winning. A failed prefetch is dropped: the next use tries again and
 * reports its own error.
 * @param proxy - a proxy
 * @throws TypeError if `proxy` is not a proxy
 * @example
 * resolveAsync(p); // start fetching now
 * await doOtherWork();
 * p.total;         // usually no blocking by now
 */
export function resolveAsync(proxy: unknown): void {
  const state = requireState(proxy, 'resolveAsync');
  if (!state.resolved) state.prefetch();
}

/**
 * The plain target behind a proxy, resolving it synchronously first if needed. Use it where
 * the real object matters: `structuredClone(extract(p))`, `Buffer.compare(extract(p), b)`,
 * `JSON.stringify(extract(p))` (the data, where `JSON.stringify(p)` gives the reference).
 * @param proxy - a proxy
 * @returns the target (for a primitive target, the primitive)
 * @throws TypeError if `proxy` is not a proxy; ProxyResolveError if resolution fails
 * @example
 * structuredClone(extract(p));
 */
export function extract<T>(proxy: T): T {
  return requireState(proxy, 'extract').resolveSync() as T; // see resolve()
}

/**
 * Whether a proxy has its target (resolved, or created with one).
 * @param proxy - a proxy
 * @returns true once resolved
 * @throws TypeError if `proxy` is not a proxy
 * @example
 * isResolved(p); // false
 * p.length;
 * isResolved(p); // true
 */
export function isResolved(proxy: unknown): boolean {
  return requireState(proxy, 'isResolved').resolved;
}

/**
 * Whether `value` is a proxymesh proxy. Never resolves it.
 * @param value - anything
 * @returns true for proxies made by `createProxy` (or a store's `proxy()`)
 * @example
 * isProxy(p); // true
 * isProxy(extract(p)); // false
 */
export function isProxy(value: unknown): boolean {
  return lookupState(value) !== undefined;
}

/**
 * The factory behind a proxy.
 * @param proxy - a proxy
 * @returns its factory
 * @throws TypeError if `proxy` is not a proxy
 * @example
 * const again = createProxy(getFactory(p)); // a second, unresolved proxy of the same target
 */
export function getFactory<T>(proxy: T): Factory<T> {
  return requireState(proxy, 'getFactory').factory as Factory<T>; // see resolve()
}

/**
 * The JSON reference of a proxy (what `JSON.stringify(p)` writes). Never resolves it.
 * @param proxy - a proxy
 * @returns the factory's reference: key, store config, evict flag and shape
 * @throws TypeError if `proxy` is not a proxy
 * @example
 * getReference(p).store.name; // 'my-store'
 */
export function getReference(proxy: unknown): ProxyReference {
  return requireState(proxy, 'getReference').factory.reference();
}

/**
 * The connector key of a proxy's target. Never resolves it.
 * @param proxy - a proxy
 * @returns the key from the proxy's reference
 * @throws TypeError if `proxy` is not a proxy
 * @example
 * getKey(p); // e.g. { id: '…' }
 */
export function getKey(proxy: unknown): JsonValue {
  return requireState(proxy, 'getKey').factory.reference().key;
}

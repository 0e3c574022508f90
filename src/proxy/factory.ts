/**
 * What a proxy resolves through. A proxy holds a factory and nothing else until first use; the
 * factory knows how to get the target (asynchronously, or blocking the thread) and how to
 * describe itself as a small JSON reference that can travel to another process.
 * @module
 */
import type { ProxyReference } from '../core/reference.js';

/**
 * Optional behaviour a factory adds to its proxies, beyond resolving. Ownership proxies use it
 * (`src/store/ownership/`); plain proxies have none.
 */
export interface ProxyHooks {
  /** Runs before every use of the target (and every resolve); throws to refuse the use. */
  guard?(): void;
  /** What `JSON.stringify(proxy)` writes instead of `reference()`; may move ownership. */
  toJSON?(): ProxyReference;
  /** Members the proxy answers itself and never forwards (such as `Symbol.dispose`). */
  readonly members?: ReadonlyMap<symbol, unknown>;
}

/** Resolves a proxy's target. */
export interface Factory<T = unknown> {
  /**
   * Fetches the target, waiting for it if it is a future's value not yet set.
   * @returns the target.
   * @throws ProxyResolveMissingKeyError when the key is missing (probably evicted).
   * @throws ProxyResolveError for any other failure, with the error as `cause`.
   */
  resolve(): Promise<T>;
  /**
   * Fetches the target synchronously, blocking this thread until it exists.
   * @returns the target.
   * @throws WouldDeadlockError when blocking could never end.
   * @throws ProxyResolveError as `resolve` does.
   */
  resolveSync(): T;
  /**
   * The JSON reference a proxy on this factory serialises to.
   * @returns the reference.
   */
  reference(): ProxyReference;
  /** Optional extra behaviour of the proxies on this factory (see `ProxyHooks`). */
  readonly hooks?: ProxyHooks;
}

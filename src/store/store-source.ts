/**
 * Where a proxy's factory or a future gets its store: the very store that made it, or (for
 * one revived from JSON) the store its config names, found or rebuilt on first use. Keeping
 * this behind an interface keeps the factory free of store construction (and of an import
 * cycle with `store.ts`).
 * @module
 */
import type { StoreConfig } from '../core/reference.js';
import type { Store } from './store.js';

/** A store, now or later. */
export interface StoreSource {
  /** The store's config, available at once. */
  readonly config: StoreConfig;
  /**
   * The store if it can be had without waiting.
   * @returns the store, or `undefined` when it must be opened asynchronously.
   */
  peek(): Store | undefined;
  /**
   * The store, found or rebuilt.
   * @returns the store.
   * @throws what rebuilding the store throws (e.g. an unknown connector kind).
   */
  open(): Promise<Store>;
}

/**
 * A source holding a store that exists.
 * @param store - the store.
 * @returns the source.
 */
export function fixedSource(store: Store): StoreSource {
  return { config: store.config(), peek: () => store, open: () => Promise.resolve(store) };
}

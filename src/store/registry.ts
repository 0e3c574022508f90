/**
 * The per-process store registry: a store's name is its identity within a process, so that a
 * proxy arriving from elsewhere finds the store it names (with its custom serializers, cache
 * and metrics) instead of building a second one.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import { StoreExistsError } from '../errors.js';
import type { Store } from './store.js';

const stores = new Map<string, Store>();

/** Options of `registerStore`. */
export interface RegisterOptions {
  /** Replace a different store registered under the same name instead of throwing. Default false. */
  readonly existOk?: boolean | undefined;
}

/**
 * Registers a store under its name. Registering the same store again does nothing.
 * @param store - the store.
 * @param options - `existOk` to replace another store of that name.
 * @throws StoreExistsError when another store has the name and `existOk` is not set.
 */
export function registerStore<K extends JsonValue>(store: Store<K>, options: RegisterOptions = {}): void {
  const current = stores.get(store.name);
  if (current !== undefined && current !== (store as Store) && options.existOk !== true) {
    throw new StoreExistsError(
      `A store named "${store.name}" is already registered in this process. Give the new store another name, reuse the registered one (getStore("${store.name}")), or pass {existOk: true} to replace it.`,
    );
  }
  stores.set(store.name, store as Store);
}

/**
 * The store registered under a name.
 * @param name - the store's name.
 * @returns the store, or `undefined`.
 */
export function getStore(name: string): Store | undefined {
  return stores.get(name);
}

/**
 * Removes a store from the registry. Given a store rather than a name, it is removed only if it
 * is the one registered under its name.
 * @param nameOrStore - a name, or a store.
 * @returns whether a store was removed.
 */
export function unregisterStore<K extends JsonValue>(nameOrStore: string | Store<K>): boolean {
  if (typeof nameOrStore === 'string') return stores.delete(nameOrStore);
  if (stores.get(nameOrStore.name) !== (nameOrStore as Store)) return false;
  return stores.delete(nameOrStore.name);
}

/**
 * Finding a store by config: the registered store of that name, or one rebuilt from the config
 * (and registered). This is how a proxy or future that arrived from another process gets its
 * store.
 * @module
 */
import { LocalConnector } from '../connectors/local.js';
import type { StoreConfig } from '../core/reference.js';
import { StoreExistsError } from '../errors.js';
import { getStore, registerStore } from './registry.js';
import { parseStoreConfig } from './store-config.js';
import { connectorFromConfigSync } from './sync-connector.js';
import type { StoreSource } from './store-source.js';
import { Store } from './store.js';

// Concurrent first uses of one config build one store, not one each.
const opening = new Map<string, Promise<Store>>();

/** Options of `getOrCreateStore`. */
export interface GetOrCreateOptions {
  /** Register a store built here. Default true. */
  readonly register?: boolean | undefined;
}

/**
 * The store registered under the config's name, or a new one built from the config.
 * @param config - what `store.config()` returned, perhaps in another process.
 * @param options - `register: false` to leave a new store unregistered.
 * @returns the store.
 * @throws InvalidArgumentError when the config is malformed or names an unknown connector kind.
 */
export async function getOrCreateStore(config: StoreConfig, options: GetOrCreateOptions = {}): Promise<Store> {
  const existing = getStore(config.name);
  if (existing !== undefined) return existing;
  if (options.register === false) return Store.fromConfig(config);
  let pending = opening.get(config.name);
  if (pending === undefined) {
    pending = createRegistered(config).finally(() => opening.delete(config.name));
    opening.set(config.name, pending);
  }
  return pending;
}

async function createRegistered(config: StoreConfig): Promise<Store> {
  let store: Store;
  try {
    store = await Store.fromConfig(config); // registers itself when the config says autoRegister
  } catch (error) {
    const raced = error instanceof StoreExistsError ? getStore(config.name) : undefined;
    if (raced === undefined) throw error;
    return raced;
  }
  // Someone registered a store of this name while the connector was being built: theirs wins.
  const raced = getStore(config.name);
  if (raced !== undefined && raced !== store) {
    await store.close();
    return raced;
  }
  registerStore(store);
  return store;
}

/**
 * The registered store of this name, or one built and registered on the spot when its connector
 * builds synchronously (every built-in kind does; none does I/O to build): a synchronous first
 * use of a proxy must end in the state an awaited one leaves, the store registered and its cache
 * holding the object, and must be able to read in-process memory without a store being opened.
 * An in-process (`local`) store always uses the built-in `LocalConnector`, even where a program
 * re-registered `local`.
 * @param config - the store's config.
 * @returns the store, or `undefined` when it can only be built asynchronously.
 */
export function getOrCreateStoreSync(config: StoreConfig): Store | undefined {
  const existing = getStore(config.name);
  if (existing !== undefined) return existing;
  const { name, connector, options } = parseStoreConfig(config);
  const built = connector.kind === 'local' ? LocalConnector.fromConfig(connector) : connectorFromConfigSync(connector);
  if (built === undefined) return undefined;
  const store = new Store(name, built, { ...options, register: options.autoRegister === true });
  registerStore(store);
  return store;
}

/**
 * A source for the store a config names, found or built on first use.
 * @param config - the store's config.
 * @returns the source.
 */
export function configSource(config: StoreConfig): StoreSource {
  return { config, peek: () => getOrCreateStoreSync(config), open: () => getOrCreateStore(config) };
}

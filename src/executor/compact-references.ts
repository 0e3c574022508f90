/**
 * Every proxy reference carries its store's config, and a task's message carries it once more
 * for the result: on a queue that stores each message (BullMQ writes it to Redis), that config
 * is most of a task's bytes. References to the task's store (by name) travel without it, and
 * are completed on arrival with the config of the client's store. That is the config to
 * rebuild from: a worker registers its own store of that name when its config differs (a mesh
 * peer listening on the worker's address), and such a store is found by name on either side.
 * @module
 */
import { LocalConnector } from '../connectors/local.js';
import type { JsonValue } from '../core/protocol.js';
import type { StoreConfig } from '../core/reference.js';
import { ObjectStore } from '../store/object-store.js';

type Json = JsonValue | readonly JsonValue[];
type Reference = { readonly [key: string]: JsonValue };

function mapReferences(value: unknown, change: (reference: Reference) => JsonValue): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => mapReferences(item, change));
  if (Object.hasOwn(value, '$proxymesh')) return change(value as Reference);
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, mapReferences(item, change)]));
}

/**
 * Drops the store config from references to a store named as `store`, and their fields that hold the default
 * (`evict: false`, `shape: 'object'`); `expandReferences` puts them back.
 * @param value - JSON with references.
 * @param store - the task's store config.
 * @returns the JSON, with `"store": null` in those references.
 */
export function compactReferences<T extends Json>(value: T, store: StoreConfig): T {
  return mapReferences(value, (reference) => {
    if ((reference['store'] as { name?: unknown } | null)?.name !== store.name) return reference;
    const { evict, shape, ...rest } = reference;
    return { ...rest, store: null, ...(evict === false ? {} : { evict }), ...(shape === 'object' ? {} : { shape }) };
  }) as T;
}

/**
 * Puts the store config back into the references `compactReferences` shortened.
 * @param value - JSON from `compactReferences`.
 * @param store - the task's store config.
 * @returns the JSON with full references.
 */
export function expandReferences<T extends Json>(value: T, store: StoreConfig): T {
  return mapReferences(value, (reference) =>
    reference['store'] === null ? { evict: false, shape: 'object', ...reference, store: store as unknown as JsonValue } : reference,
  ) as T;
}

let defaults: Readonly<Record<string, JsonValue>> | undefined;

// The options a store built with none writes into its config, read from such a store so that
// they follow the store's own defaults.
function storeDefaults(): Readonly<Record<string, JsonValue>> {
  if (defaults === undefined) {
    const probe = new ObjectStore('defaults', new LocalConnector());
    const { name: _name, connector: _connector, ...options } = probe.config();
    defaults = options;
    void probe.close();
  }
  return defaults;
}

/**
 * A store config without the options that hold their defaults: a store rebuilt from it is the
 * same store, and the config is what every task's message carries.
 * @param config - a store's config.
 * @returns the config, shortened.
 */
export function compactStoreConfig(config: StoreConfig): StoreConfig {
  const base = storeDefaults();
  const kept = Object.entries(config).filter(([name, value]) => name === 'name' || name === 'connector' || JSON.stringify(base[name]) !== JSON.stringify(value));
  return Object.fromEntries(kept) as unknown as StoreConfig;
}

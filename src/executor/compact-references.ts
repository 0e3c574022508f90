/**
 * Every proxy reference carries its store's config, and a task's message carries it once more
 * for the result: on a queue that stores each message (BullMQ writes it to Redis), that config
 * is most of a task's bytes. References to the task's own store travel without it, and are
 * completed on arrival.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import type { StoreConfig } from '../core/reference.js';

type Json = JsonValue | readonly JsonValue[];
type Reference = { readonly [key: string]: JsonValue };

function mapReferences(value: unknown, change: (reference: Reference) => JsonValue): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => mapReferences(item, change));
  if (Object.hasOwn(value, '$proxymesh')) return change(value as Reference);
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, mapReferences(item, change)]));
}

/**
 * Drops the store config from references to `store`; `expandReferences` puts it back.
 * @param value - JSON with references.
 * @param store - the task's store config.
 * @returns the JSON, with `"store": null` in those references.
 */
export function compactReferences<T extends Json>(value: T, store: StoreConfig): T {
  const text = JSON.stringify(store);
  return mapReferences(value, (reference) => (JSON.stringify(reference['store']) === text ? { ...reference, store: null } : reference)) as T;
}

/**
 * Puts the store config back into the references `compactReferences` shortened.
 * @param value - JSON from `compactReferences`.
 * @param store - the task's store config.
 * @returns the JSON with full references.
 */
export function expandReferences<T extends Json>(value: T, store: StoreConfig): T {
  return mapReferences(value, (reference) => (reference['store'] === null ? { ...reference, store: store as unknown as JsonValue } : reference)) as T;
}

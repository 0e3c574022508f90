/**
 * One string per key, for the cache and the metrics tables: canonical JSON with object fields
 * sorted, so a key rebuilt from JSON in another field order still finds its entry.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';

/**
 * The canonical string of a key.
 * @param key - a connector key.
 * @returns its JSON text with object fields in sorted order.
 */
export function keyId(key: JsonValue): string {
  if (typeof key !== 'object' || key === null) return JSON.stringify(key);
  if (Array.isArray(key)) return `[${key.map(keyId).join(',')}]`;
  const fields = Object.keys(key).sort();
  return `{${fields.map((f) => `${JSON.stringify(f)}:${keyId(key[f] ?? null)}`).join(',')}}`;
}

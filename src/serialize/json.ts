/**
 * The `json` codec: plain JSON values as UTF-8 JSON text, readable from any language.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import type { Codec } from './codec.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Whether `JSON.parse(JSON.stringify(value))` gives back an equal value: null, booleans,
 * strings, finite numbers other than -0, dense arrays and plain objects (prototype
 * `Object.prototype` or null) with no symbol keys, made of the same. (Named properties added
 * to an array are the one loss it does not look for.) A value shared twice
 * (or a cycle) is refused, since JSON would duplicate it. Anything else goes to `v8`.
 *
 * One iterative walk, linear in the value's size; iterative so that deep values cannot
 * overflow the call stack.
 * @param value - any value.
 * @returns whether the json codec can write it exactly.
 */
export function isJsonExact(value: unknown): value is JsonValue {
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(v) || Object.is(v, -0)) return false;
        continue;
      case 'object':
        break;
      default:
        return false;
    }
    if (v === null) continue;
    if (seen.has(v)) return false;
    seen.add(v);
    if (Array.isArray(v)) {
      // A subclass or a hole would not survive the round trip. Named properties added to an
      // array are not checked: rare, and finding them costs a key list as long as the array.
      if (Object.getPrototypeOf(v) !== Array.prototype) return false;
      const values: unknown[] = v;
      for (let i = 0; i < values.length; i++) {
        if (!(i in values)) return false;
        stack.push(values[i]);
      }
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    if (Object.getOwnPropertySymbols(v).length > 0) return false;
    for (const item of Object.values(v)) stack.push(item);
  }
  return true;
}

/** Plain JSON values (see `isJsonExact`) as UTF-8 JSON text. */
export const jsonCodec: Codec<JsonValue> = {
  tag: 'json',
  supports: isJsonExact,
  encode: (value) => encoder.encode(JSON.stringify(value)),
  decode: (data) => JSON.parse(decoder.decode(data)) as JsonValue,
};

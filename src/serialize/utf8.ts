/**
 * The `utf8` codec: strings as UTF-8 text, readable by any language.
 * @module
 */
import type { Codec } from './codec.js';

interface WellFormed {
  isWellFormed(): boolean;
}

const encoder = new TextEncoder();
// fatal: invalid UTF-8 is a corrupt payload, not text to patch with U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Well-formed strings as UTF-8. A string with a lone surrogate cannot be written as UTF-8
 * without loss, so this codec declines it and the `json` codec (which escapes it) takes it.
 */
export const utf8Codec: Codec<string> = {
  tag: 'utf8',
  // String.prototype.isWellFormed is in Node 20 but not in the ES2023 lib this project types against.
  supports: (value): value is string => typeof value === 'string' && (value as unknown as WellFormed).isWellFormed(),
  encode: (value) => encoder.encode(value),
  decode: (data) => decoder.decode(data),
};

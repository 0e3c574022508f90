/**
 * How error messages name keys and values, so every message reads the same way.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';

/**
 * A key as it appears in messages: its canonical JSON text.
 * @param key - a connector key.
 * @returns e.g. `{"id":"4f…"}`.
 */
export function describeKey(key: JsonValue): string {
  return JSON.stringify(key);
}

/**
 * A value's kind as it appears in messages, without printing the value.
 * @param value - any value.
 * @returns e.g. `a string`, `null`, `an instance of Point`, `a function`.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    const name = proto === null ? 'a null-prototype object' : (value.constructor as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an object';
  }
  return `a ${typeof value}`;
}

/**
 * An error's message as a sentence, to quote inside another error's message.
 * @param error - anything thrown.
 * @returns the message, ending with a full stop.
 */
export function errorSentence(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

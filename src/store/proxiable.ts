/**
 * Which values a proxy can stand for, and the shape of its placeholder.
 * @module
 */
import type { TargetShape } from '../core/reference.js';

/**
 * Whether a proxy can stand for the value. ProxyStore refuses exactly `None` and booleans, and so
 * does this: `null`, `undefined`, `true` and `false`. Other falsy values (`0`, `''`, `NaN`, `0n`)
 * are proxied like any primitive, though a proxy of one is truthy in a condition: compare it
 * (`p == 0`) or `extract` it instead.
 * @param value - any value.
 * @returns false for `null`, `undefined` and booleans.
 */
export function isProxiable(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'boolean';
}

/**
 * The placeholder shape for a value, so `typeof` and `Array.isArray` see the right kind.
 * @param value - the target.
 * @returns `array`, `function` or `object`.
 */
export function shapeOf(value: unknown): TargetShape {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'function' ? 'function' : 'object';
}

/**
 * The error for a value a proxy cannot stand for.
 * @param value - the value.
 * @returns a TypeError that says why and what to do.
 */
export function nonProxiableError(value: unknown): TypeError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value);
  return new TypeError(
    `A proxy cannot stand for ${shown}: a proxy is always truthy and an object, so it cannot behave like a boolean, null or undefined. Store it with put(), or pass {skipNonproxiable: true} to get such values back as they are.`,
  );
}

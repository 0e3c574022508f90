/**
 * Which values a proxy can stand for, and the shape of its placeholder.
 * @module
 */
import type { TargetShape } from '../core/reference.js';

/**
 * Whether a proxy can stand for the value. ProxyStore refuses `bool` and `None` because a
 * proxy cannot be falsy; in JavaScript an ES Proxy is always truthy, so the same reason covers
 * every falsy value (`null`, `undefined`, `false`, `0`, `NaN`, `''`, `0n`), and `true` goes with
 * `false`.
 * @param value - any value.
 * @returns false for booleans and falsy values.
 */
export function isProxiable(value: unknown): boolean {
  return typeof value !== 'boolean' && Boolean(value);
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
    `A proxy cannot stand for ${shown}: a proxy is always truthy, so it cannot behave like a boolean or a falsy value. Store it with put(), or pass {skipNonproxiable: true} to get such values back as they are.`,
  );
}

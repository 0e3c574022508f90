/**
 * The placeholder target every proxy is built on. An ES Proxy takes `typeof`, `Array.isArray`
 * and callability from the object it was created over, and these can never change later, so the
 * placeholder is picked from the target's shape before the target exists, which the reference
 * carries.
 *
 * The placeholders are also named `ProxymeshProxy` so that engine errors that print the
 * placeholder say what the value is: `structuredClone(p)` throws
 * `DataCloneError: #<ProxymeshProxy> could not be cloned.` (clone `extract(p)` instead).
 * @module
 */
import type { TargetShape } from '../core/reference.js';

const SHAPES: readonly TargetShape[] = ['object', 'array', 'function'];

/** The prototype of object placeholders: only its constructor's name is ever seen (in errors). */
const objectPlaceholderPrototype = Object.create(Object.prototype, {
  constructor: { value: class ProxymeshProxy {}, writable: true, configurable: true },
}) as object;

/**
 * Whether `value` is one of the three target shapes.
 * @param value - anything
 * @returns true for `'object'`, `'array'` and `'function'`
 * @example
 * isTargetShape('array'); // true
 */
export function isTargetShape(value: unknown): value is TargetShape {
  return SHAPES.includes(value as TargetShape);
}

/**
 * The shape of a known value: `'array'` for arrays, `'function'` for anything callable, else
 * `'object'` (primitives included: their proxies behave like wrapper objects).
 * @param value - a target
 * @returns the shape whose placeholder fits it
 * @example
 * shapeOf([1, 2]); // 'array'
 * shapeOf(Math.max); // 'function'
 */
export function shapeOf(value: unknown): TargetShape {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'function' ? 'function' : 'object';
}

/**
 * A fresh placeholder for one proxy: a plain object, an empty array, or an ordinary function
 * (which has both `[[Call]]` and `[[Construct]]`, so `p(…)` and `new P(…)` reach the traps).
 *
 * Each proxy gets its own placeholder because the invariant bookkeeping (see `invariants.ts`)
 * writes to it.
 * @param shape - the shape the target will have
 * @returns the new placeholder
 * @throws TypeError if `shape` is not a TargetShape
 * @example
 * typeof new Proxy(makePlaceholder('function'), {}); // 'function'
 */
export function makePlaceholder(shape: TargetShape): object {
  switch (shape) {
    case 'object':
      return Object.create(objectPlaceholderPrototype) as object;
    case 'array':
      return [];
    case 'function':
      // A named function expression (not an arrow, not a class): an arrow cannot be
      // constructed, and a class's non-writable `prototype` would pin what `p.prototype` returns.
      return function ProxymeshProxy(): void {};
    default:
      throw new TypeError(`A proxy shape must be 'object', 'array' or 'function'; got ${JSON.stringify(shape)}.`);
  }
}

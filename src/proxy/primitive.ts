/**
 * How a proxy behaves when its target is a primitive (number, string, bigint, boolean, symbol,
 * null or undefined).
 *
 * A proxy is always an object, so it can never *be* a primitive: `typeof p` is `'object'`,
 * `p === 42` is false and a proxy is always truthy (even over `false`, `0` or `''`). What it can
 * do is behave like the primitive's wrapper object:
 *
 * - property reads and methods go to a **frozen** wrapper (`Object(value)`): `p.length` and
 *   `p[0]` on a string, `p.toFixed(2)` on a number, `p.description` on a symbol;
 * - conversions go to the primitive itself through `Symbol.toPrimitive`: `+p`, `p + 1`, `p > 3`,
 *   `` `${p}` ``, `String(p)`, `p == 42`, `p + 1n`;
 * - writes (`p.x = 1`, `delete p[0]`, `Object.defineProperty`) fail, as they would on the
 *   primitive: the wrapper is frozen, so in strict code they throw a `TypeError`;
 * - `null` and `undefined` have no wrapper: every trap except conversions throws a `TypeError`
 *   that says to read the value with `extract(p)`.
 *
 * `extract(p)` returns the primitive itself.
 * @module
 */

/** A JavaScript primitive, including `null` and `undefined`. */
export type Primitive = string | number | bigint | boolean | symbol | null | undefined;

/**
 * Whether `value` is a primitive (not an object and not a function).
 * @param value - anything
 * @returns true for strings, numbers, bigints, booleans, symbols, null and undefined
 * @example
 * isPrimitive(42); // true
 * isPrimitive({}); // false
 */
export function isPrimitive(value: unknown): value is Primitive {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/**
 * The object the traps forward to for a resolved target: the target itself when it is an object
 * or a function, a frozen wrapper for other primitives, and `undefined` for null and undefined.
 *
 * The wrapper is frozen because a primitive cannot be changed: a write through the proxy must
 * fail rather than land on a throw-away wrapper that `extract(p)` would never show.
 * @param value - the resolved target
 * @returns the object traps forward to, or `undefined` when there is none
 * @example
 * const box = forwardingObject('abc'); // a frozen String wrapper
 * Reflect.get(box!, 'length'); // 3
 */
export function forwardingObject(value: unknown): object | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isPrimitive(value)) return value;
  return Object.freeze(Object(value) as object);
}

/**
 * The `Symbol.toPrimitive` method a proxy over a primitive answers with, so conversions see the
 * primitive rather than the wrapper (this is what makes `p + 1n` and `p == 'abc'` work).
 * @param value - the primitive target
 * @returns a function that ignores the hint and returns `value`
 * @example
 * const p = createProxy(factoryOf(41));
 * p + 1; // 42, through primitiveConverter(41)
 */
export function primitiveConverter(value: Primitive): (hint: string) => Primitive {
  return () => value;
}

/**
 * A value's `typeof`, as words for error messages. Unlike serialize's `describeValue` it never
 * looks at a prototype or constructor: the value may be a proxy, whose traps are user code.
 * @param value - anything
 * @returns e.g. `null`, `a number`, `an object`
 * @example
 * describeType(null); // 'null'
 */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const kind = typeof value;
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

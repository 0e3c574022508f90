/**
 * Keeping a proxy's answers legal. The engine checks every trap's answer against the
 * *placeholder* (the object the Proxy was created over), not against the real target, and
 * throws a `TypeError` on a mismatch (the invariants the language sets on every Proxy trap). The ones that bite:
 *
 * - a property may be reported non-configurable only if the placeholder has it non-configurable
 *   too (and non-writable only if the placeholder's is non-writable);
 * - a non-configurable property of the placeholder must be reported, with the same
 *   enumerability (an array placeholder's `length`, a function placeholder's `prototype`);
 * - a non-extensible placeholder must be described exactly, prototype included.
 *
 * The fix is to make the placeholder agree: non-configurable properties of the target are
 * copied ("mirrored") onto the placeholder when first reported, and when the target stops being
 * extensible the placeholder becomes a copy of it and is made non-extensible too. A property
 * the placeholder pins but the target lacks (e.g. `prototype` when a 'function' proxy's target is
 * an arrow function) is reported from the placeholder: the one visible difference.
 *
 * The placeholder's `util.inspect.custom` hook (see `inspect.ts`) survives that copy, so a frozen
 * proxy still inspects as `Proxy(…)`; the price is that `Object.getOwnPropertySymbols(p)` of a
 * *non-extensible* proxy lists that one non-enumerable symbol.
 * @module
 */
import { inspectSymbol } from './inspect.js';

type Key = string | symbol;

/**
 * Whether `key` is the placeholder's own inspect hook, which it keeps even though the target
 * lacks it; traps answer for it from the placeholder.
 * @param placeholder - the proxy's placeholder
 * @param key - a property key
 * @param target - the object the proxy forwards to
 * @returns true for the hook, when the target has no property of that key
 * @example
 * isHook(placeholder, Symbol.for('nodejs.util.inspect.custom'), target); // true
 */
export function isHook(placeholder: object, key: Key, target: object): boolean {
  return key === inspectSymbol && Object.hasOwn(placeholder, key) && !Object.hasOwn(target, key);
}

function pinned(placeholder: object, key: Key): PropertyDescriptor | undefined {
  const held = Reflect.getOwnPropertyDescriptor(placeholder, key);
  return held?.configurable === false ? held : undefined;
}

function isWritableData(desc: PropertyDescriptor): boolean {
  return 'value' in desc && desc.writable === true;
}

/**
 * Whether the placeholder fixes the value of `key`, which `get` must then report unchanged:
 * a non-configurable, non-writable data property (mirrored from the target).
 * @param placeholder - the proxy's placeholder
 * @param key - the property read
 * @returns true when `get` must return the target's raw value
 * @example
 * hasFixedValue(Object.freeze({ a: 1 }), 'a'); // true
 */
export function hasFixedValue(placeholder: object, key: Key): boolean {
  const held = pinned(placeholder, key);
  return held !== undefined && 'value' in held && held.writable === false;
}

/**
 * Whether the placeholder has `key` in a way `has` may not deny.
 * @param placeholder - the proxy's placeholder
 * @param key - the property tested
 * @returns true when `key in proxy` must be true
 * @example
 * mustReportPresent([], 'length'); // true
 */
export function mustReportPresent(placeholder: object, key: Key): boolean {
  return pinned(placeholder, key) !== undefined || (!Reflect.isExtensible(placeholder) && Object.hasOwn(placeholder, key));
}

/**
 * The descriptor `getOwnPropertyDescriptor` reports: the target's, made legal against the
 * placeholder (mirroring it there when the target's is non-configurable).
 * @param placeholder - the proxy's placeholder
 * @param target - the object the proxy forwards to
 * @param key - the property asked about
 * @returns the descriptor to report, or undefined for "no such own property"
 * @example
 * reportDescriptor(makePlaceholder('object'), Object.freeze({ a: 1 }), 'a'); // mirrored, then reported
 */
export function reportDescriptor(placeholder: object, target: object, key: Key): PropertyDescriptor | undefined {
  const own = Reflect.getOwnPropertyDescriptor(target, key);
  const held = pinned(placeholder, key);
  if (held !== undefined) {
    if (own === undefined) return held;
    // Writable data on both sides with the same enumerability is always compatible.
    if (isWritableData(held) && isWritableData(own) && held.enumerable === own.enumerable) return { ...own, configurable: false };
    const mirrored = { ...own, configurable: false };
    return Reflect.defineProperty(placeholder, key, mirrored) ? mirrored : held;
  }
  if (own === undefined) {
    if (Reflect.isExtensible(placeholder)) return undefined;
    // A non-extensible placeholder must be described exactly: it keeps its hook, and drops a
    // property the target no longer has.
    if (isHook(placeholder, key, target)) return Reflect.getOwnPropertyDescriptor(placeholder, key);
    Reflect.deleteProperty(placeholder, key);
    return undefined;
  }
  if (own.configurable === false) {
    return Reflect.defineProperty(placeholder, key, own) ? own : { ...own, configurable: true };
  }
  return own;
}

/**
 * The keys `ownKeys` reports: the target's, plus any the placeholder pins that the target
 * lacks (the engine requires all of them).
 * @param placeholder - the proxy's placeholder
 * @param target - the object the proxy forwards to
 * @returns the own keys to report, without duplicates
 * @example
 * reportKeys([], { a: 1 }); // ['a', 'length']
 */
export function reportKeys(placeholder: object, target: object): Key[] {
  const keys = Reflect.ownKeys(target);
  if (!Reflect.isExtensible(placeholder)) {
    // Both are non-extensible (see matchNonExtensible); drop keys the target has since lost.
    for (const key of Reflect.ownKeys(placeholder)) {
      if (!Object.hasOwn(target, key) && !isHook(placeholder, key, target)) Reflect.deleteProperty(placeholder, key);
    }
    return Reflect.ownKeys(placeholder);
  }
  const extra = Reflect.ownKeys(placeholder).filter((key) => pinned(placeholder, key) !== undefined);
  if (extra.length === 0) return keys;
  const seen = new Set(keys);
  return [...keys, ...extra.filter((key) => !seen.has(key))];
}

/**
 * After the target's property `key` changed through the proxy, copies it onto the placeholder
 * when the placeholder must agree with it (non-configurable, or a non-extensible placeholder).
 * @param placeholder - the proxy's placeholder
 * @param target - the object the proxy forwards to
 * @param key - the property just defined
 * @returns false if the placeholder could not be made to agree
 * @example
 * Reflect.defineProperty(target, 'a', { value: 1 }) && mirrorAfterDefine(placeholder, target, 'a');
 */
export function mirrorAfterDefine(placeholder: object, target: object, key: Key): boolean {
  const own = Reflect.getOwnPropertyDescriptor(target, key);
  if (own === undefined) return true;
  const mustAgree = own.configurable === false || pinned(placeholder, key) !== undefined || !Reflect.isExtensible(placeholder);
  return !mustAgree || Reflect.defineProperty(placeholder, key, own);
}

/**
 * After the target's property `key` was deleted through the proxy, removes it from the
 * placeholder too.
 * @param placeholder - the proxy's placeholder
 * @param key - the property just deleted
 * @returns false if the placeholder pins `key`, so the delete may not be reported as done
 * @example
 * Reflect.deleteProperty(target, 'a') && forgetAfterDelete(placeholder, 'a');
 */
export function forgetAfterDelete(placeholder: object, key: Key): boolean {
  return Reflect.deleteProperty(placeholder, key);
}

/**
 * Makes the placeholder a non-extensible copy of a non-extensible target (own properties and
 * prototype), so `Object.isFrozen(p)`, `Object.freeze(p)` and `Object.isExtensible(p)` can
 * answer truthfully. The placeholder keeps its inspect hook, frozen, so that a frozen target's
 * proxy still passes `Object.isFrozen`.
 * @param placeholder - the proxy's placeholder
 * @param target - a non-extensible target
 * @example
 * matchNonExtensible(placeholder, Object.freeze({ a: 1 }));
 */
export function matchNonExtensible(placeholder: object, target: object): void {
  if (!Reflect.isExtensible(placeholder)) return;
  for (const key of Reflect.ownKeys(placeholder)) {
    if (!Object.hasOwn(target, key) && !isHook(placeholder, key, target)) Reflect.deleteProperty(placeholder, key);
  }
  for (const key of Reflect.ownKeys(target)) {
    const own = Reflect.getOwnPropertyDescriptor(target, key);
    if (own !== undefined) Reflect.defineProperty(placeholder, key, own);
  }
  if (isHook(placeholder, inspectSymbol, target)) {
    Reflect.defineProperty(placeholder, inspectSymbol, { writable: false, configurable: false });
  }
  Reflect.setPrototypeOf(placeholder, Reflect.getPrototypeOf(target));
  Reflect.preventExtensions(placeholder);
}

/**
 * The ES Proxy handler that makes a proxy transparent: every trap resolves the target on first
 * use (synchronously, through `ProxyState.forward`) and forwards to it, with four exceptions
 * that never resolve:
 *
 * - `then` reads as `undefined`, always, so a proxy is never a thenable: `await p`,
 *   `Promise.resolve(p)` and returning `p` from an async function leave it unresolved (comlink's
 *   pitfall). A target's own `then` is reachable only through `extract(p).then`.
 * - `toJSON` returns the factory's reference, so `JSON.stringify(p)` sends the key and store
 *   config, never the data (`JSON.stringify(extract(p))` gives the data).
 * - `util.inspect.custom` is the placeholder's hook (see `inspect.ts`).
 * - `Symbol.toPrimitive` on a primitive target converts to the primitive (see `primitive.ts`).
 *
 * Methods read from the target's prototype chain come back **bound to the target** (one bound
 * function per method, so `p.get === p.get`), because built-ins that check internal slots
 * (`Map`, `Set`, `Date`, typed arrays) and class methods using `#private` fields throw when
 * `this` is the proxy. Own function-valued properties (callbacks, static methods) and
 * `constructor` come back as they are, keeping their identity. Getters and setters run with the
 * target as `this` for the same reason. A method that returns `this` therefore returns the
 * target, not the proxy.
 *
 * The invariant bookkeeping lives in `invariants.ts`.
 * @module
 */
import type { ProxyReference } from '../core/reference.js';
import { inspectSymbol } from './inspect.js';
import {
  forgetAfterDelete,
  hasFixedValue,
  isHook,
  matchNonExtensible,
  mirrorAfterDefine,
  mustReportPresent,
  reportDescriptor,
  reportKeys,
} from './invariants.js';
import { isPrimitive, primitiveConverter } from './primitive.js';
import { lookupState, type ProxyState } from './state.js';

type Key = string | symbol;

/**
 * The traps of one proxy. The parameters are typed `unknown` where lib.es's `ProxyHandler` says
 * `any`; the placeholder parameter is ignored in favour of `state.placeholder` (they are the
 * same object).
 */
export class TransparentHandler implements ProxyHandler<object> {
  readonly #state: ProxyState;
  readonly #toJSON: () => ProxyReference;

  /**
   * @param state - the state of the proxy this handler serves
   * @example
   * const proxy = new Proxy(state.placeholder, new TransparentHandler(state));
   */
  constructor(state: ProxyState) {
    this.#state = state;
    // An ownership proxy's hook moves ownership when serialised (see ProxyHooks).
    const hooks = state.factory.hooks;
    this.#toJSON = hooks?.toJSON !== undefined ? () => (hooks.toJSON as () => ProxyReference).call(hooks) : () => state.factory.reference();
  }

  /** Whether `value` is the proxy this handler serves (a receiver may be another object). */
  #isSelf(value: unknown): boolean {
    return lookupState(value) === this.#state;
  }

  /** Property read: reserved keys first, then the target's value (inherited methods bound). */
  get(_placeholder: object, key: Key, receiver: unknown): unknown {
    const state = this.#state;
    const { placeholder } = state;
    // The hook lives on the placeholder (and may be pinned there, see invariants.ts).
    if (key === inspectSymbol && Object.hasOwn(placeholder, key)) return Reflect.get(placeholder, key);
    // A value the placeholder pins must be returned as is (a Proxy invariant); otherwise the
    // reserved keys are answered here, before anything resolves.
    if (!hasFixedValue(placeholder, key)) {
      if (key === 'then') return undefined;
      if (key === 'toJSON') return this.#toJSON;
      const members = state.factory.hooks?.members;
      if (typeof key === 'symbol' && members?.has(key) === true) return members.get(key);
      if (key === Symbol.toPrimitive) {
        const target = state.resolveSync();
        if (isPrimitive(target)) return primitiveConverter(target);
      }
    }
    const forward = state.forward();
    const value: unknown = Reflect.get(forward, key, this.#isSelf(receiver) ? forward : receiver);
    if (typeof value !== 'function' || key === 'constructor' || Object.hasOwn(forward, key) || hasFixedValue(placeholder, key)) {
      return value;
    }
    return state.bound(value);
  }

  /** Property write, on the target (or on an inheriting receiver). */
  set(_placeholder: object, key: Key, value: unknown, receiver: unknown): boolean {
    const forward = this.#state.forward();
    // Always a boolean, never a promise (comlink's other pitfall).
    return Reflect.set(forward, key, value, this.#isSelf(receiver) ? forward : receiver);
  }

  /** `key in p`. */
  has(_placeholder: object, key: Key): boolean {
    const forward = this.#state.forward();
    return Reflect.has(forward, key) || mustReportPresent(this.#state.placeholder, key);
  }

  /** `delete p[key]`, on the target and the placeholder's mirror. */
  deleteProperty(_placeholder: object, key: Key): boolean {
    const forward = this.#state.forward();
    return Reflect.deleteProperty(forward, key) && forgetAfterDelete(this.#state.placeholder, key);
  }

  /** `Object.defineProperty(p, …)`, mirrored where the invariants need it. */
  defineProperty(_placeholder: object, key: Key, descriptor: PropertyDescriptor): boolean {
    const forward = this.#state.forward();
    // Object.freeze(p) redefines every reported key, the placeholder's inspect hook included.
    if (isHook(this.#state.placeholder, key, forward)) return Reflect.defineProperty(this.#state.placeholder, key, descriptor);
    return Reflect.defineProperty(forward, key, descriptor) && mirrorAfterDefine(this.#state.placeholder, forward, key);
  }

  /** `Reflect.ownKeys(p)` and everything built on it (`Object.keys`, spread, for…in). */
  ownKeys(): Key[] {
    const forward = this.#state.forward();
    return reportKeys(this.#state.placeholder, forward);
  }

  /** `Object.getOwnPropertyDescriptor(p, key)`, made legal against the placeholder. */
  getOwnPropertyDescriptor(_placeholder: object, key: Key): PropertyDescriptor | undefined {
    const forward = this.#state.forward();
    return reportDescriptor(this.#state.placeholder, forward, key);
  }

  /** The target's prototype: what `instanceof` walks. */
  getPrototypeOf(): object | null {
    return Reflect.getPrototypeOf(this.#state.forward());
  }

  /** `Object.setPrototypeOf(p, …)`, on the target. */
  setPrototypeOf(_placeholder: object, prototype: object | null): boolean {
    return Reflect.setPrototypeOf(this.#state.forward(), prototype);
  }

  /** `Object.isExtensible(p)`; a non-extensible target makes the placeholder match first. */
  isExtensible(): boolean {
    const forward = this.#state.forward();
    if (!Reflect.isExtensible(forward)) matchNonExtensible(this.#state.placeholder, forward);
    return Reflect.isExtensible(this.#state.placeholder);
  }

  /** `Object.preventExtensions(p)` (and freeze/seal), on the target and then the placeholder. */
  preventExtensions(): boolean {
    const forward = this.#state.forward();
    if (!Reflect.preventExtensions(forward)) return false;
    matchNonExtensible(this.#state.placeholder, forward);
    return true;
  }

  /** `p(…)`: calls the target with the caller's `this`. */
  apply(_placeholder: object, thisArg: unknown, args: unknown[]): unknown {
    const forward = this.#state.forward();
    if (typeof forward !== 'function') throw new TypeError(`This proxy's target is not a function (typeof ${typeof forward}), so it cannot be called.`);
    const result: unknown = Reflect.apply(forward, thisArg, args);
    return result;
  }

  /** `new P(…)`: constructs the target. */
  construct(_placeholder: object, args: unknown[], newTarget: object): object {
    const forward = this.#state.forward();
    if (typeof forward !== 'function') throw new TypeError(`This proxy's target is not a constructor (typeof ${typeof forward}), so it cannot be used with new.`);
    // `new P()` passes the proxy as newTarget; the target stands in for it so `new.target` and
    // the new object's prototype come from the real constructor.
    const constructor = this.#isSelf(newTarget) || typeof newTarget !== 'function' ? forward : newTarget;
    const made: unknown = Reflect.construct(forward, args, constructor);
    return made as object; // Reflect.construct always returns an object
  }
}

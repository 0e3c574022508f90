/**
 * `createProxy`: a transparent lazy proxy over a factory, ProxyStore's `Proxy(factory)`.
 *
 * Semantics in brief (details in the module docs of `handler.ts`, `primitive.ts`, `state.ts`,
 * `inspect.ts` and `invariants.ts`):
 * - before resolution only `typeof`, `Array.isArray`, `then` (undefined), `JSON.stringify` (the
 *   reference), `util.inspect` and identity work without resolving; any other use resolves it
 *   once, synchronously, through `factory.resolveSync()`;
 * - equality is the proxy's identity: `p === p`, but `p !== extract(p)` and two proxies of the
 *   same key are different objects; as a `Map` key or `Set` member a proxy counts by identity
 *   and is not resolved. `==` against a primitive compares the primitive target (`p == 42`);
 * - where a built-in needs the real object (`Buffer.compare`, `structuredClone`, `postMessage`,
 *   `new Date(p)` keeping milliseconds, `WeakMap` keyed by the target) pass `extract(p)`.
 * @module
 */
import type { Factory } from './factory.js';
import type { TargetShape } from '../core/reference.js';
import { TransparentHandler } from './handler.js';
import { installInspect } from './inspect.js';
import { isTargetShape, makePlaceholder, shapeOf } from './placeholder.js';
import { lookupState, ProxyState, register } from './state.js';

/** Options of `createProxy`. */
export interface CreateProxyOptions<T> {
  /**
   * The target's shape, which fixes `typeof p` and `Array.isArray(p)` for the proxy's life.
   * Default: the shape of `target` when given, else the `shape` of `factory.reference()`, else
   * `'object'`. A `'function'` shape is needed for `p()` and `new P()` to work.
   */
  readonly shape?: TargetShape;
  /**
   * The target, when this process already has it: the proxy starts resolved and never calls the
   * factory to resolve (ProxyStore's `populate_target`).
   */
  readonly target?: T;
}

/** The shape a factory's reference declares; 'object' if it declares none or cannot say. */
function referenceShape(factory: Factory<unknown>): TargetShape {
  try {
    const shape: unknown = factory.reference().shape;
    return isTargetShape(shape) ? shape : 'object';
  } catch {
    return 'object';
  }
}

function checkFactory(factory: unknown): void {
  const f = factory as Partial<Record<'resolve' | 'resolveSync' | 'reference', unknown>> | null;
  if (typeof f !== 'object' || f === null || typeof f.resolve !== 'function' || typeof f.resolveSync !== 'function' || typeof f.reference !== 'function') {
    throw new TypeError('createProxy() needs a factory with resolve(), resolveSync() and reference() methods.');
  }
}

/**
 * Creates a transparent lazy proxy: it stands in for the factory's target and resolves it on
 * first synchronous use, or earlier with `await resolve(p)`.
 *
 * The return type is `T`, but a proxy is always an object: over a primitive, `typeof p` is
 * `'object'` and `p === 42` is false (see `primitive.ts`); use `extract(p)` for the primitive.
 * @param factory - resolves the target and describes it as a reference
 * @param options - the target's shape, or the target itself
 * @returns the proxy
 * @throws TypeError if `factory` is not a Factory or `options.shape` not a TargetShape
 * @example
 * const p = createProxy(factory, { shape: 'array' });
 * Array.isArray(p); // true, and nothing resolved yet
 * p.length;         // resolves (once) through factory.resolveSync()
 * JSON.stringify(p); // the reference: {"$proxymesh":"proxy","key":…}
 */
export function createProxy<T>(factory: Factory<T>, options: CreateProxyOptions<T> = {}): T {
  checkFactory(factory);
  const hasTarget = Object.hasOwn(options, 'target');
  const shape = options.shape ?? (hasTarget ? shapeOf(options.target) : referenceShape(factory));
  if (!isTargetShape(shape)) throw new TypeError(`createProxy() shape must be 'object', 'array' or 'function'; got ${JSON.stringify(shape)}.`);
  const placeholder = makePlaceholder(shape);
  const state = new ProxyState<T>(factory, placeholder);
  if (hasTarget) state.settle(options.target as T); // present, so it is a T
  installInspect(placeholder, lookupState);
  const proxy = new Proxy(placeholder, new TransparentHandler(state));
  register(proxy, state);
  return proxy as T; // the proxy stands in for T: that is its whole point
}

/**
 * The hidden state of one proxy and the rules of its resolution. Proxies carry no control
 * members of their own (they could shadow the target's); their state lives in a `WeakMap` keyed
 * by the proxy, reached through the free functions of `control.ts`.
 *
 * Resolution rules (ProxyStore's):
 * - a proxy resolves **at most once successfully**; after that it forwards to the cached target;
 * - a failed resolution leaves it unresolved and throws `ProxyResolveError` (the factory's error
 *   is its `cause`, unless it already is a `ProxyResolveError`); the **next use tries again**,
 *   as ProxyStore does because its target stays unset;
 * - concurrent async resolutions share one `factory.resolve()` call; a synchronous use while one
 *   is in flight cannot wait for it, so it calls `factory.resolveSync()`, and whichever finishes
 *   first wins (the other's value is dropped);
 * - a factory that uses its own proxy while resolving it gets a `ProxyResolveError`, not a loop.
 * @module
 */
import { ProxyResolveError } from '../errors.js';
import type { Factory } from './factory.js';
import { describeType, forwardingObject } from './primitive.js';

const states = new WeakMap<object, ProxyState>();

/** Resolution state of one proxy. */
export class ProxyState<T = unknown> {
  /** What the proxy resolves through. */
  readonly factory: Factory<T>;
  /** The object the ES Proxy was created over (see `placeholder.ts`). */
  readonly placeholder: object;
  #resolved = false;
  #target: T | undefined;
  #forward: object | undefined;
  #resolving = false;
  #pending: Promise<T> | undefined;
  #bound: WeakMap<object, unknown> | undefined;

  /**
   * @param factory - the proxy's factory
   * @param placeholder - the proxy's placeholder target
   * @example
   * const state = new ProxyState(factory, makePlaceholder('object'));
   */
  constructor(factory: Factory<T>, placeholder: object) {
    this.factory = factory;
    this.placeholder = placeholder;
  }

  /** Whether the target has been resolved (or was given at creation). */
  get resolved(): boolean {
    return this.#resolved;
  }

  /** The resolved target; `undefined` while unresolved. */
  get target(): T | undefined {
    return this.#target;
  }

  /**
   * Caches the target. Only the first value counts: a late async result is dropped.
   * @param value - the resolved target
   */
  settle(value: T): void {
    if (this.#resolved) return;
    this.#forward = forwardingObject(value);
    this.#target = value;
    this.#resolved = true;
  }

  /**
   * Resolves synchronously if needed, blocking in `factory.resolveSync()`.
   * @returns the resolved target
   * @throws ProxyResolveError if the factory fails (the proxy stays unresolved)
   */
  resolveSync(): T {
    this.factory.hooks?.guard?.();
    if (!this.#resolved) {
      if (this.#resolving) throw this.#failure(new Error('the proxy was used by its own factory while it was being resolved'));
      this.#resolving = true;
      try {
        this.settle(this.factory.resolveSync());
      } catch (error) {
        throw this.#failure(error);
      } finally {
        this.#resolving = false;
      }
    }
    return this.#target as T; // resolved: the cached target, whatever T is
  }

  /**
   * Resolves without blocking, sharing one in-flight `factory.resolve()` between callers.
   * @returns the resolved target
   * @throws ProxyResolveError (as a rejection) if the factory fails
   */
  resolve(): Promise<T> {
    try {
      this.factory.hooks?.guard?.();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.#resolved) return Promise.resolve(this.#target as T);
    if (this.#pending === undefined) {
      const pending = this.#resolveAsync();
      this.#pending = pending;
      // Clear only our own entry, and never leave a rejected promise unhandled here.
      const clear = (): void => {
        if (this.#pending === pending) this.#pending = undefined;
      };
      void pending.then(clear, clear);
    }
    return this.#pending;
  }

  /** Starts `resolve()` in the background; its failure is dropped (the next use retries). */
  prefetch(): void {
    void this.resolve().catch(() => undefined);
  }

  /**
   * The object traps forward to, resolving synchronously first if needed.
   * @returns the target, or the frozen wrapper of a primitive target
   * @throws ProxyResolveError if resolution fails; TypeError if the target is null or undefined;
   *   whatever the factory's guard throws (an invalidated ownership proxy)
   */
  forward(): object {
    this.resolveSync();
    if (this.#forward === undefined) {
      throw new TypeError(`This proxy's target is ${describeType(this.#target)}, which has no properties; read it with extract(proxy).`);
    }
    return this.#forward;
  }

  /**
   * `method` bound to the forwarding object, the same function each time for the same method,
   * so `p.get === p.get` and built-ins that check internal slots (`Map`, `Date`, typed arrays,
   * private `#fields`) see the real target as `this`.
   * @param method - a function read from the target's prototype chain
   * @returns the bound function
   */
  bound(method: { bind(thisArg: unknown): unknown }): unknown {
    this.#bound ??= new WeakMap();
    let bound = this.#bound.get(method);
    if (bound === undefined) {
      bound = method.bind(this.#forward);
      this.#bound.set(method, bound);
    }
    return bound;
  }

  async #resolveAsync(): Promise<T> {
    try {
      this.settle(await this.factory.resolve());
    } catch (error) {
      // A synchronous use may have resolved the proxy meanwhile: then that target stands.
      if (!this.#resolved) throw this.#failure(error);
    }
    return this.#target as T;
  }

  #failure(error: unknown): ProxyResolveError {
    if (error instanceof ProxyResolveError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    let key = 'an unknown key';
    try {
      key = `key ${JSON.stringify(this.factory.reference().key)}`;
    } catch {
      // A factory that cannot describe itself still gets a message.
    }
    return new ProxyResolveError(`Could not resolve the proxy of ${key}: ${reason}. The proxy stays unresolved; its next use tries again.`, { cause: error });
  }
}

/**
 * Records the state of a new proxy.
 * @param proxy - the ES Proxy
 * @param state - its state
 * @example
 * register(proxy, state);
 */
export function register(proxy: object, state: ProxyState): void {
  states.set(proxy, state);
}

/**
 * The state of a proxy, or undefined if `value` is not a proxymesh proxy. Never touches the
 * proxy's traps.
 * @param value - anything
 * @returns the state, if any
 * @example
 * lookupState({}); // undefined
 */
export function lookupState(value: unknown): ProxyState | undefined {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? states.get(value) : undefined;
}

/**
 * The state of a proxy, for a control function.
 * @param value - what the caller passed
 * @param caller - the control function's name, for the message
 * @returns the state
 * @throws TypeError if `value` is not a proxymesh proxy
 * @example
 * requireState(p, 'extract');
 */
export function requireState(value: unknown, caller: string): ProxyState {
  const state = lookupState(value);
  if (state === undefined) {
    throw new TypeError(`${caller}() expects a proxymesh proxy (from createProxy or store.proxy), but got ${describeType(value)}.`);
  }
  return state;
}

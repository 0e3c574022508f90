/**
 * `StaticLifetime`, ProxyStore's singleton lifetime for objects that live as long as the
 * program: it ends when the process does (see `process-exit.ts`), evicting them and closing
 * their stores.
 * @module
 */
import type { JsonValue } from '../../core/protocol.js';
import { InvalidArgumentError } from '../../errors.js';
import { log } from '../../log.js';
import { BaseLifetime } from './base-lifetime.js';
import type { LifetimeStore } from './lifetime.js';
import { onProcessExit } from './process-exit.js';
import { storeKeyOf } from './proxy-key.js';

let current: StaticLifetime | undefined;

/**
 * The lifetime of the program: `new StaticLifetime()` returns the one live instance (a new one
 * only after the previous has ended). It ends when the event loop empties, or on SIGINT or
 * SIGTERM (after which the process still ends by the signal, unless the program handles it),
 * evicting every attached object and closing their stores; do not close those stores earlier
 * yourself, or close the lifetime first. `process.exit()` skips it (async work cannot run then).
 * Keys of any store can be attached, so `addKey` needs the store.
 * @example
 * ```ts
 * const store = new Store('app', new FileConnector({ directory: '/shared/objects' }), { register: true });
 * const key = await store.put('config', { lifetime: new StaticLifetime() });
 * ```
 */
export class StaticLifetime extends BaseLifetime {
  #removeHooks: (() => void) | undefined;

  /** Returns the live singleton (creating it, and nothing else, when there is none). */
  constructor() {
    if (current !== undefined && !current.done()) return current;
    super('static');
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the singleton is this instance
    current = this;
  }

  /**
   * Attaches keys of a store.
   * @param keys - the keys.
   * @param store - the store that holds them: required.
   * @throws InvalidArgumentError when `store` is missing.
   * @throws LifetimeEndedError when the lifetime has ended.
   */
  addKey(keys: readonly JsonValue[], store?: LifetimeStore): void {
    if (store === undefined) throw new InvalidArgumentError('StaticLifetime.addKey() requires the store parameter: it evicts keys of any number of stores.');
    this.attach(store, keys);
    this.#hook();
  }

  /**
   * Attaches the objects of proxies, each evicted through its own store (found by name, or
   * rebuilt from its config at the end: register the store to avoid that).
   * @param proxies - the proxies.
   * @throws ProxyStoreFactoryError when a proxy's factory is not a store's.
   * @throws LifetimeEndedError when the lifetime has ended.
   */
  addProxy(...proxies: unknown[]): void {
    this.assertLive();
    for (const { key, source } of proxies.map(storeKeyOf)) this.attach(source.peek() ?? source, [key]);
    this.#hook();
  }

  protected override onEnd(): void {
    this.#removeHooks?.();
    this.#removeHooks = undefined;
  }

  // The hooks go in with the first key, so a program that never uses the lifetime keeps its
  // signals' default behaviour untouched.
  #hook(): void {
    this.#removeHooks ??= onProcessExit(() =>
      this.close({ closeStores: true }).catch((error: unknown) => log.warn('the static lifetime could not evict all its objects at exit', { error })),
    );
  }
}

/**
 * What every built-in lifetime shares: a name, the attached keys, the refusal to attach after
 * the end, and a `close` that evicts once however often it is called.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../../core/protocol.js';
import { LifetimeEndedError } from '../../errors.js';
import { log } from '../../log.js';
import { AttachedKeys, type StoreHandle } from './attached-keys.js';
import type { Lifetime, LifetimeCloseOptions, LifetimeStore } from './lifetime.js';

/** Options shared by the built-in lifetimes' constructors. */
export interface LifetimeOptions {
  /** A name for messages and logs. Default: a random UUID. */
  readonly name?: string | undefined;
}

/** The shared half of `ContextLifetime`, `LeaseLifetime` and `StaticLifetime`. */
export abstract class BaseLifetime implements Lifetime, AsyncDisposable {
  /** A name for messages and logs. */
  readonly name: string;
  /** Settles once the lifetime has ended and its evictions are over (failed or not). */
  readonly closed: Promise<void>;
  readonly #keys = new AttachedKeys();
  #closing: Promise<void> | undefined;
  #settle: () => void = () => undefined;

  /**
   * @param name - the lifetime's name.
   */
  protected constructor(name: string | undefined) {
    this.name = name ?? randomUUID();
    this.closed = new Promise<void>((resolve) => (this.#settle = resolve));
  }

  abstract addKey(keys: readonly JsonValue[], store?: LifetimeStore): void;
  abstract addProxy(...proxies: unknown[]): void;

  /**
   * Ends the lifetime and evicts every attached object, once.
   * @param options - `closeStores`: also close the stores afterwards.
   * @returns a promise of the end; every call gets the first call's.
   * @throws AggregateError when some evictions failed (after trying them all).
   */
  close(options: LifetimeCloseOptions = {}): Promise<void> {
    this.#closing ??= this.#end(options.closeStores === true);
    return this.#closing;
  }

  /**
   * Whether the lifetime has ended (or is ending).
   * @returns true once `close` has started.
   */
  done(): boolean {
    return this.#closing !== undefined;
  }

  /** Ends the lifetime (`await using lifetime = …`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Attaches keys of a store.
   * @param store - the store or a handle that opens it.
   * @param keys - the keys.
   * @throws LifetimeEndedError when the lifetime has ended.
   */
  protected attach(store: StoreHandle, keys: readonly JsonValue[]): void {
    this.assertLive();
    this.#keys.add(store, keys);
  }

  /**
   * Throws when the lifetime has ended.
   * @throws LifetimeEndedError naming the lifetime.
   */
  protected assertLive(): void {
    if (this.done()) {
      throw new LifetimeEndedError(`Lifetime "${this.name}" has ended: its objects were evicted, and nothing more can be attached to it. Create a new lifetime.`);
    }
  }

  /** Runs when the lifetime starts ending, before evicting (timers and exit hooks stop here). */
  protected onEnd(): void {}

  async #end(closeStores: boolean): Promise<void> {
    this.onEnd();
    try {
      const count = await this.#keys.evictAll(closeStores);
      log.debug('lifetime ended', { lifetime: this.name, evicted: count });
    } finally {
      this.#settle();
    }
  }
}

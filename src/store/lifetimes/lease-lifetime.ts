/**
 * `LeaseLifetime`, ProxyStore's time-based lease: it ends by itself when its expiry passes, and
 * `extend()` pushes the expiry back.
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import { log } from '../../log.js';
import type { LifetimeOptions } from './base-lifetime.js';
import { ContextLifetime } from './context-lifetime.js';
import type { JsonValue } from '../../core/protocol.js';
import { keyId } from '../key-id.js';
import type { StoreHandle } from './attached-keys.js';
import type { LifetimeStore } from './lifetime.js';

/** Options of `new LeaseLifetime(store, options)`. */
export interface LeaseLifetimeOptions extends LifetimeOptions {
  /** When the lease ends: a `Date`, or milliseconds from now (0 or less: at once). */
  readonly expiry: Date | number;
}

// setTimeout cannot wait longer than this; a longer lease re-arms its timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

function expiryTime(expiry: Date | number, from: number, what: string): number {
  const time = expiry instanceof Date ? expiry.getTime() : from + expiry;
  if (!Number.isFinite(time)) throw new InvalidArgumentError(`A lease ${what} must be a valid Date or a finite number of milliseconds; got ${String(expiry)}.`);
  return time;
}

/**
 * A lifetime that ends when its lease expires (or when closed earlier). Its timer does not keep
 * the process alive: objects of a lease still running when the process exits stay stored (use a
 * `StaticLifetime` for those).
 * @example
 * ```ts
 * const lease = new LeaseLifetime(store, { expiry: 10_000 }); // ten seconds
 * const key = await store.put('value', { lifetime: lease });
 * lease.extend(5_000); // five more
 * await lease.closed;  // the object is evicted by now
 * ```
 */
export class LeaseLifetime extends ContextLifetime {
  #expiry: number;
  #timer: NodeJS.Timeout | undefined;
  // Keys whose connector keeps the lease's end too (a mesh peer), told again when it moves; by
  // canonical id, so a key attached twice is held, and told of a new end, once.
  readonly #expiring = new Map<string, JsonValue>();

  /**
   * @param store - the store that makes, and will evict, the objects attached.
   * @param options - `expiry` (a `Date`, or milliseconds from now) and a `name`.
   * @throws InvalidArgumentError when `expiry` is not a valid date or a finite number.
   */
  constructor(store: LifetimeStore, options: LeaseLifetimeOptions) {
    super(store, options);
    this.#expiry = expiryTime(options.expiry, Date.now(), 'expiry');
    this.#arm();
  }

  /** When the lease ends now, as a `Date`. */
  get expiry(): Date {
    return new Date(this.#expiry);
  }

  /**
   * Moves the lease's end: a number adds that many milliseconds to the current expiry; a `Date`
   * becomes the expiry, even if earlier than the current one.
   * @param by - milliseconds to add, or the new expiry.
   * @throws LifetimeEndedError when the lease has ended.
   * @throws InvalidArgumentError when `by` is not a valid date or a finite number.
   */
  extend(by: Date | number): void {
    this.assertLive();
    this.#expiry = expiryTime(by, this.#expiry, 'extension');
    this.#arm();
    this.#tellOwners([...this.#expiring.values()]);
  }

  /**
   * Attaches keys, and has their connector evict them at the lease's end by itself where it can
   * (a mesh peer): the lease then ends on time even if this process crashes first.
   */
  protected override attach(store: StoreHandle, keys: readonly JsonValue[]): void {
    super.attach(store, keys);
    if (store === this.store && this.store.expire !== undefined) {
      for (const key of keys) this.#expiring.set(keyId(key), key);
      this.#tellOwners(keys);
    }
  }

  /** Tells the keys' connector when the lease ends now; a failure leaves this process's own timer in charge. */
  #tellOwners(keys: readonly JsonValue[]): void {
    const ttl = Math.max(1, this.#expiry - Date.now());
    for (const key of keys) {
      this.store.expire?.(key as never, ttl).catch((error: unknown) => log.warn('a lease could not give its object a time to live on its owner; it ends with this process only', { lifetime: this.name, error }));
    }
  }

  protected override onEnd(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const wait = Math.min(Math.max(0, this.#expiry - Date.now()), MAX_TIMER_MS);
    this.#timer = setTimeout(() => this.#due(), wait);
    this.#timer.unref();
  }

  #due(): void {
    if (Date.now() < this.#expiry) return this.#arm();
    this.close().catch((error: unknown) => log.warn('a lease ended but could not evict all its objects', { lifetime: this.name, error }));
  }
}

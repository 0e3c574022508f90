/**
 * The factory of ownership proxies (`OwnedProxy`, `RefProxy`, `RefMutProxy`): a store factory
 * that also keeps the reference's validity and, for an owner, its borrow counts, and gives its
 * proxies ProxyStore's behaviour through proxy hooks: every use of an invalid reference throws
 * `ReferenceInvalidError`; `JSON.stringify` moves the reference to whoever revives it; `using`
 * releases it.
 * @module
 */
import { MutableBorrowError, ReferenceInvalidError } from '../../errors.js';
import { log } from '../../log.js';
import type { ProxyHooks } from '../../proxy/factory.js';
import type { ProxyReference, ReferenceKind } from '../../core/reference.js';
import { describeKey } from '../../serialize/describe.js';
import type { PollingOptions } from '../polling.js';
import { StoreFactory } from '../store-factory.js';
import type { StoreSource } from '../store-source.js';

const NAMES: Record<ReferenceKind, string> = { owned: 'OwnedProxy', ref: 'RefProxy', mut: 'RefMutProxy' };

// The backstop: an owner collected without being released or moved evicts its object.
const owners = new FinalizationRegistry<RefFactory>((factory) => {
  if (!factory.valid) return;
  factory.evictObject('its OwnedProxy was garbage-collected without being released').catch((error: unknown) => log.warn('could not evict the object of a collected OwnedProxy', { error }));
});

// A borrow collected without being released gives its borrow back to the owner.
const borrows = new FinalizationRegistry<RefFactory>((factory) => factory.endBorrow());

/** Resolves an ownership proxy and keeps its ownership state. */
export class RefFactory<T = unknown> extends StoreFactory<T> {
  /** Which reference this is. */
  readonly kind: ReferenceKind;
  /** Proxy hooks: the validity guard, moving on serialisation, `Symbol.dispose`. */
  readonly hooks: ProxyHooks;
  /** False once released, marked out of scope or serialised. */
  valid = true;
  /** Shared borrows outstanding (owners only). */
  refs = 0;
  /** Mutable borrows outstanding, 0 or 1 (owners only). */
  muts = 0;
  /** The owner proxy a borrow keeps alive, and its factory; unset in another process. */
  owner: { proxy: object; factory: RefFactory } | undefined;

  /**
   * @param reference - the object's reference (its `ownership` and `evict` are set here).
   * @param source - where its store comes from.
   * @param kind - owner, shared borrow or mutable borrow.
   * @param polling - polling for a future's value.
   */
  constructor(reference: ProxyReference, source: StoreSource, kind: ReferenceKind, polling?: PollingOptions) {
    super({ ...reference, evict: false, ownership: kind }, source, polling);
    this.kind = kind;
    this.hooks = {
      guard: () => this.assertValid(),
      toJSON: () => this.moveOut(),
      members: new Map<symbol, unknown>([
        [Symbol.dispose, () => void this.release().catch((error: unknown) => log.warn('could not evict an owned object on release', { error }))],
        [Symbol.asyncDispose, () => this.release()],
      ]),
    };
  }

  /** `OwnedProxy`, `RefProxy` or `RefMutProxy`. */
  get typeName(): string {
    return NAMES[this.kind];
  }

  /**
   * Starts the bookkeeping of a new proxy on this factory: the GC backstop.
   * @param proxy - the proxy.
   */
  track(proxy: object): void {
    if (this.kind === 'owned') owners.register(proxy, this, this);
    else borrows.register(proxy, this, this);
  }

  /**
   * Throws when the reference is no longer valid.
   * @throws ReferenceInvalidError naming the reference and why.
   */
  assertValid(): void {
    if (!this.valid) {
      throw new ReferenceInvalidError(
        `This ${this.typeName} of key ${describeKey(this.reference().key)} is no longer valid: it was released, marked out of scope, or serialised (which moves it to the process that revives it).`,
      );
    }
  }

  /**
   * Releases the reference: an owner evicts its object, a borrow gives its borrow back.
   * Idempotent.
   * @returns when the owner's object is evicted.
   * @throws MutableBorrowError (synchronously) when an owner is still borrowed.
   */
  release(): Promise<void> {
    if (!this.valid) return Promise.resolve();
    if (this.kind !== 'owned') {
      this.endBorrow();
      return Promise.resolve();
    }
    this.#assertNotBorrowed('release');
    return this.evictObject('its OwnedProxy was released');
  }

  /**
   * Invalidates an owner and evicts its object (once).
   * @param why - for the log.
   * @returns when evicted.
   */
  evictObject(why: string): Promise<void> {
    this.valid = false;
    owners.unregister(this);
    const { key } = this.reference();
    log.debug('evicting an owned object', { key: describeKey(key), why });
    const store = this.source.peek();
    return store !== undefined ? store.evict(key) : this.source.open().then((s) => s.evict(key));
  }

  /** Ends a borrow: gives it back to its owner (in this process) and invalidates it. */
  endBorrow(): void {
    if (this.owner !== undefined) {
      const owner = this.owner.factory;
      if (this.kind === 'ref') owner.refs -= 1;
      else owner.muts -= 1;
    }
    this.owner = undefined;
    this.valid = false;
    borrows.unregister(this);
  }

  /**
   * What `JSON.stringify` writes: the reference, which moves to whoever revives it. This copy
   * becomes invalid; an owner's object is not evicted. A borrow stays counted by its owner until
   * marked out of scope (`markRefsOutOfScope`, `submit`).
   * @returns the reference.
   * @throws ReferenceInvalidError when already invalid.
   * @throws MutableBorrowError when an owner is still borrowed here.
   */
  moveOut(): ProxyReference {
    this.assertValid();
    if (this.kind === 'owned') {
      this.#assertNotBorrowed('move to another process');
      owners.unregister(this);
    }
    this.valid = false;
    return this.reference();
  }

  #assertNotBorrowed(what: string): void {
    if (this.refs > 0 || this.muts > 0) {
      throw new MutableBorrowError(
        `Cannot ${what} the OwnedProxy of key ${describeKey(this.reference().key)}: ${this.refs} RefProxy and ${this.muts} RefMutProxy still borrow it, and a borrow may not outlive its owner. Release the borrows first.`,
      );
    }
  }
}

/**
 * Who may change a stored object, and when it expires: the capability each object's owner was
 * issued (what the contract's Replace and Expire require of other processes) and its time to
 * live. The table's set/get/wait core keeps none of this; it asks here.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { PermissionDeniedError } from '../errors.js';
import { Expiries } from './expiries.js';

/**
 * Whether a capability presented matches the one issued, in constant time.
 * @param issued - what was issued; '' when none is needed.
 * @param presented - what the caller holds.
 * @returns true when they match, or none was issued.
 */
export function capabilityMatches(issued: string, presented: string): boolean {
  if (issued === '') return true;
  const a = Buffer.from(issued);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The owner capability of each object stored with one, and each object's time to live. */
export class ObjectOwners {
  readonly #capabilities = new Map<string, string>();
  readonly #expiries = new Expiries();

  /**
   * Records the capability the owner of `id` holds.
   * @param capability - what its put or newKey issued; none (or ''): only trusted callers (the
   *   owner's own process) may change the object.
   */
  issue(id: string, capability: string | undefined): void {
    if (capability !== undefined && capability !== '') this.#capabilities.set(id, capability);
  }

  /**
   * Checks that `capability` is the one issued for `id`.
   * @param action - the change, for messages ("replace", "set a time to live on").
   * @param describe - the words for the object in the message.
   * @throws PermissionDeniedError when the capability is missing or wrong, or none was issued.
   */
  check(id: string, capability: string, action: string, describe: () => string): void {
    const issued = this.#capabilities.get(id);
    if (issued === undefined || !capabilityMatches(issued, capability)) {
      throw new PermissionDeniedError(
        `Cannot ${action} ${describe()}: ${issued === undefined ? 'it was stored without an owner capability (in a batch), so only a connector in its peer\'s own process can' : `the capability is ${capability === '' ? 'missing' : 'wrong'}; only the process that stored it (which received the capability of its Put or NewKey) can`}.`,
      );
    }
  }

  /**
   * Runs `evict(id)` once `ms` milliseconds have passed (0: never, removing any earlier time).
   * @param evict - what evicts the object then.
   */
  expire(id: string, ms: number, evict: (id: string) => void): void {
    if (ms === 0) this.#expiries.clear(id);
    else this.#expiries.set(id, ms, evict);
  }

  /** Forgets the owner and time to live of `id` (it was evicted). */
  forget(id: string): void {
    this.#capabilities.delete(id);
    this.#expiries.clear(id);
  }

  /** Forgets every owner and time to live (the table is being cleared). */
  clear(): void {
    this.#capabilities.clear();
    this.#expiries.clearAll();
  }
}

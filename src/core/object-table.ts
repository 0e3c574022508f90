/**
 * An in-memory table of objects and deferred keys with write-once `set` and push-based waiting:
 * the storage behind `LocalConnector` and behind every mesh peer. Who owns an object and when it
 * expires are kept by `object-owners.ts`; what the table may hold, by `table-limits.ts`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ClosedError, KeyExistsError, KeyNotFoundError, PermissionDeniedError } from '../errors.js';
import type { Payload } from './protocol.js';
import { FilePayload, isHeldInFile, payloadBytes } from './file-payload.js';
import { newObjectId } from './object-id.js';
import { capabilityMatches, ObjectOwners } from './object-owners.js';
import { SharedBuffers } from './shared-buffers.js';
import { checkBytesRoom, checkWaiterRoom, UNLIMITED, type HolderLimits } from './table-limits.js';
import { WaiterTable } from './waiters.js';

/** The table's counters. */
export interface TableStats {
  /** Objects stored (set deferred keys included). */
  readonly objects: number;
  /** Payload bytes stored. */
  readonly bytes: number;
  /** Deferred keys registered and not yet set. */
  readonly pendingKeys: number;
  /** Waits in progress. */
  readonly waiters: number;
}

/** How the table names a key in its errors, so messages can say which peer or store it is. */
export type Describe = (id: string) => string;

/** A deferred key not yet set, and the capability its `set` needs ('' when none is needed). */
class Pending {
  constructor(readonly capability: string) {}
}

/** Objects by id; a pending deferred key holds a `Pending` until it is set. */
export class ObjectTable {
  readonly #entries = new Map<string, Payload | Pending>();
  readonly #waiters = new WaiterTable<Payload>();
  readonly #shared = new SharedBuffers();
  // Owners' capabilities (which Replace and Expire require of other processes) and times to live.
  readonly #owners = new ObjectOwners();
  #bytes = 0;
  #pending = 0;
  #closed: ((id: string) => Error) | undefined;

  /**
   * @param describe turns an id into the words error messages use for it.
   * @param limits what the table may hold; `where` names the holder in refusals.
   */
  constructor(
    private readonly describe: Describe = (id) => `key ${id}`,
    private readonly limits: HolderLimits = UNLIMITED,
  ) {}

  /**
   * Checks that `bytes` more payload bytes fit under the byte limit, without changing anything:
   * lets a peer refuse an object from its header, before receiving it.
   * @throws LimitExceededError naming the limit.
   */
  checkRoom(bytes: number): void {
    checkBytesRoom(this.limits, this.#bytes, bytes);
  }

  /**
   * Stores a payload under a new id.
   * @param capability - what `replaceOwned` and `expire` will require of other processes; none:
   *   only trusted callers (the owner's own process) may.
   * @param id - the new id, when the caller drew it already (a fresh `newObjectId()`): a peer
   *   names the object's file by it before storing it.
   * @throws LimitExceededError when it would pass the byte limit.
   */
  put(payload: Payload, capability?: string, id = newObjectId()): string {
    this.#open();
    this.checkRoom(payloadBytes(payload));
    this.#store(payload, id);
    this.#owners.issue(id, capability);
    return id;
  }

  /**
   * Stores several payloads under new ids, all or none: the byte limit is checked for their
   * total before any is stored.
   * @param payloads - what to store.
   * @param views - whether the payloads are views into buffers they share (a peer's received
   *   PutBatch messages): kept as views while that is worth it (shared-buffers.ts).
   * @returns the ids, in the order of `payloads`.
   * @throws LimitExceededError when together they would pass the byte limit.
   */
  putAll(payloads: readonly Payload[], views = false): string[] {
    this.#open();
    this.checkRoom(payloads.reduce((sum, p) => sum + payloadBytes(p), 0));
    // One call for all the random ids: a call each cost more than storing the objects.
    const random = randomBytes(16 * payloads.length);
    const stored = views ? this.#shared.adopt(payloads) : payloads;
    return stored.map((payload, i) => {
      const id = this.#store(payload, random.toString('hex', 16 * i, 16 * i + 16));
      if (views) this.#shared.stored(id, payload);
      return id;
    });
  }

  #store(payload: Payload, id = newObjectId()): string {
    this.#entries.set(id, payload);
    this.#bytes += payloadBytes(payload);
    return id;
  }

  /** The payload, or `undefined` when missing or not yet set. */
  get(id: string): Payload | undefined {
    const entry = this.#entries.get(id);
    return entry instanceof Pending ? undefined : entry;
  }

  /** Whether the id holds a payload. */
  exists(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Whether the id is a deferred key that has not been set. */
  isPending(id: string): boolean {
    return this.#entries.get(id) instanceof Pending;
  }

  /**
   * Replaces the payload of an id that holds one (what an owner's `update` needs); pending and
   * missing ids are refused, so futures stay write-once.
   * @returns whether the id held a payload (and now holds the new one).
   * @throws LimitExceededError when the new payload would pass the byte limit; the old one stays.
   */
  replace(id: string, payload: Payload): boolean {
    const old = this.get(id);
    if (old === undefined) return false;
    this.checkRoom(Math.max(0, payloadBytes(payload) - payloadBytes(old)));
    // The key stays (its owner and time to live with it); only its value changes.
    this.#release(id, old);
    this.#store(payload, id);
    return true;
  }

  /** Lets a stored value's bytes go (the caller forgets or replaces the entry). */
  #release(id: string, entry: Payload): void {
    this.#bytes -= payloadBytes(entry);
    // A file's object shares no buffer; neighbours left in a buffer now mostly free move to
    // buffers of their own, same bytes.
    if (isHeldInFile(entry)) entry.release();
    if (!(entry instanceof FilePayload)) for (const [other, copy] of this.#shared.evicted(id, entry)) this.#entries.set(other, copy);
  }

  /**
   * Checks that the holder of `capability` may change the object `id` (replace it or give it a
   * time to live), without changing anything.
   * @param capability - what its put or newKey issued; `undefined`: a trusted caller (the owner's
   *   own process), which needs none.
   * @param action - the change, for messages ("replace", "set a time to live on").
   * @throws KeyNotFoundError when the id holds no value (missing, evicted, or a future not set:
   *   futures are write-once).
   * @throws PermissionDeniedError when the capability is missing or wrong.
   */
  checkOwner(id: string, capability: string | undefined, action: string): void {
    this.#open();
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new KeyNotFoundError(`Cannot ${action} ${this.describe(id)}: it does not exist (never stored, or evicted).`);
    if (entry instanceof Pending) {
      throw new KeyNotFoundError(`Cannot ${action} ${this.describe(id)}: it is a future's key with no value yet, and futures are write-once. Set it instead.`);
    }
    if (capability !== undefined) this.#owners.check(id, capability, action, () => this.describe(id));
  }

  /**
   * `replace`, for the owner of the object only.
   * @throws as `checkOwner`; LimitExceededError as `replace`.
   */
  replaceOwned(id: string, payload: Payload, capability?: string): void {
    this.checkOwner(id, capability, 'replace');
    this.replace(id, payload);
  }

  /**
   * Evicts the object `id` once `ms` milliseconds have passed (0: never, removing any earlier
   * time), for the owner of the object only.
   * @throws as `checkOwner`.
   */
  expire(id: string, ms: number, capability?: string): void {
    this.checkOwner(id, capability, 'set a time to live on');
    this.#owners.expire(id, ms, (due) => this.evict(due));
  }

  /** Removes an object or a pending key; waiters on it fail. Returns whether anything was there. */
  evict(id: string): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#entries.delete(id);
    this.#owners.forget(id);
    if (entry instanceof Pending) this.#pending -= 1;
    else this.#release(id, entry);
    this.#waiters.fail(id, () => new KeyNotFoundError(`${this.describe(id)} was evicted before it was set, so it will never have a value.`));
    return true;
  }

  /**
   * Registers a deferred key and returns its id.
   * @param capability the secret `set` will require; '' requires none.
   */
  newKey(capability = ''): string {
    this.#open();
    const id = newObjectId();
    this.#entries.set(id, new Pending(capability));
    this.#pending += 1;
    return id;
  }

  /**
   * Checks that `set(id, …, capability)` would be accepted now, without changing anything:
   * lets a peer refuse a doomed set before receiving its payload.
   * @throws KeyNotFoundError when the id was never registered or was evicted.
   * @throws KeyExistsError when it was set before (the first value stays).
   * @throws PermissionDeniedError when the capability is missing or wrong.
   */
  checkSet(id: string, capability = ''): void {
    this.#open();
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      throw new KeyNotFoundError(`Cannot set ${this.describe(id)}: it was never created with newKey() or has been evicted. Create a new future.`);
    }
    if (!(entry instanceof Pending)) {
      throw new KeyExistsError(`Cannot set ${this.describe(id)}: it was already set, and keys are write-once (the first value stays).`);
    }
    if (!capabilityMatches(entry.capability, capability)) {
      throw new PermissionDeniedError(
        `Cannot set ${this.describe(id)}: the capability is ${capability === '' ? 'missing' : 'wrong'}. Only a holder of the future (which carries the capability newKey returned) may set it; a key or a proxy grants reading only.`,
      );
    }
  }

  /**
   * Fulfils a deferred key and wakes its waiters.
   * @param capability what the key's `newKey` issued, when it issued one.
   * @throws KeyNotFoundError, KeyExistsError, PermissionDeniedError as `checkSet`.
   */
  set(id: string, payload: Payload, capability = ''): void {
    this.checkSet(id, capability);
    const bytes = payloadBytes(payload);
    this.checkRoom(bytes);
    const { capability: issued } = this.#entries.get(id) as Pending;
    this.#entries.set(id, payload);
    this.#owners.issue(id, issued);
    this.#pending -= 1;
    this.#bytes += bytes;
    this.#waiters.wake(id, payload);
  }

  /**
   * The payload as soon as the id holds one.
   * @throws KeyNotFoundError for an unknown id, or when it is evicted first.
   */
  async wait(id: string, signal?: AbortSignal): Promise<Payload> {
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      throw new KeyNotFoundError(`Cannot wait for ${this.describe(id)}: it does not exist (never created, or evicted).`);
    }
    if (!(entry instanceof Pending)) return entry;
    if (this.#closed) throw this.#closed(id);
    checkWaiterRoom(this.limits, this.#waiters.size, () => this.describe(id));
    return this.#waiters.wait(id, signal);
  }

  /** The table's counters. */
  stats(): TableStats {
    return { objects: this.#entries.size - this.#pending, bytes: this.#bytes, pendingKeys: this.#pending, waiters: this.#waiters.size };
  }

  /** Ends every wait with `error(id)` and refuses new writes; stored objects stay readable. */
  close(error: (id: string) => Error): void {
    this.#closed ??= error;
    this.#waiters.failAll(error);
  }

  /** Drops every object and pending key (after `close`). */
  clear(): void {
    for (const entry of this.#entries.values()) if (!(entry instanceof Pending) && isHeldInFile(entry)) entry.release();
    this.#entries.clear();
    this.#owners.clear();
    this.#bytes = 0;
    this.#pending = 0;
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('This store is closed: it takes no new objects or keys. Open a new one.');
  }
}

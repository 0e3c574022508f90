/**
 * Waiters on keys: the push half of `awaitKey` for connectors that learn of a set in-process
 * (Local directly; File and Redis from their change notifications). One waiter is one promise;
 * it leaves the table when it settles, including on abort, so cancelled waits hold nothing.
 * @module
 */
import { abortReason } from './call-options.js';

/**
 * One pending wait. Its methods live on the prototype and it is its own abort listener
 * (`handleEvent`), so a waiter costs one small object instead of three closures: a peer holds
 * one per pending `Await`.
 */
class Waiter<T> {
  constructor(
    readonly table: WaiterTable<T>,
    readonly id: string,
    readonly signal: AbortSignal | undefined,
    readonly resolved: (value: T) => void,
    readonly rejected: (error: Error) => void,
  ) {}

  resolve(value: T): void {
    this.signal?.removeEventListener('abort', this);
    this.resolved(value);
  }

  reject(error: Error): void {
    this.signal?.removeEventListener('abort', this);
    this.rejected(error);
  }

  /** The signal fired: leave the table and reject with its reason. */
  handleEvent(): void {
    this.table.remove(this);
    this.rejected(abortReason(this.signal!));
  }
}

/** A table of promises waiting on string ids. */
export class WaiterTable<T> {
  readonly #waiting = new Map<string, Set<Waiter<T>>>();
  // Kept alongside the map so `size` is O(1): peers check it on every new wait.
  #count = 0;

  /** @param onEmpty - called when the last waiter on an id leaves by its signal (not when woken or failed). */
  constructor(private readonly onEmpty?: (id: string) => void) {}

  /** Number of pending waiters, over all ids. */
  get size(): number {
    return this.#count;
  }

  /** Waits for `wake(id)` or `fail(id)`; a fired signal rejects and removes the waiter. */
  wait(id: string, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<T>((resolve, reject) => {
      const waiter = new Waiter(this, id, signal, resolve, reject);
      signal?.addEventListener('abort', waiter, { once: true });
      let set = this.#waiting.get(id);
      if (!set) this.#waiting.set(id, (set = new Set()));
      set.add(waiter);
      this.#count += 1;
    });
  }

  /** Whether anyone waits on `id`. */
  has(id: string): boolean {
    return this.#waiting.has(id);
  }

  /** Resolves every waiter on `id`. */
  wake(id: string, value: T): void {
    for (const w of this.#take(id)) w.resolve(value);
  }

  /** Rejects every waiter on `id`; `error` is made once per waiter so each gets its own stack. */
  fail(id: string, error: () => Error): void {
    for (const w of this.#take(id)) w.reject(error());
  }

  /** Rejects every waiter on every id. */
  failAll(error: (id: string) => Error): void {
    for (const id of [...this.#waiting.keys()]) this.fail(id, () => error(id));
  }

  #take(id: string): Set<Waiter<T>> {
    const set = this.#waiting.get(id) ?? new Set<Waiter<T>>();
    this.#waiting.delete(id);
    this.#count -= set.size;
    return set;
  }

  /** Takes out a waiter whose signal fired (called by the waiter). */
  remove(waiter: Waiter<T>): void {
    const set = this.#waiting.get(waiter.id);
    if (!set?.delete(waiter)) return;
    this.#count -= 1;
    if (set.size > 0) return;
    this.#waiting.delete(waiter.id);
    this.onEmpty?.(waiter.id);
  }
}

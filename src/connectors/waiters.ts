/**
 * Waiters on keys: the push half of `awaitKey` for connectors that learn of a set in-process
 * (Local directly; File and Redis from their change notifications). One waiter is one promise;
 * it leaves the table when it settles, including on abort, so cancelled waits hold nothing.
 * @module
 */
import { abortReason } from './call-options.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
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
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        this.#remove(id, waiter);
        reject(abortReason(signal!));
      };
      const waiter: Waiter<T> = {
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
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

  #remove(id: string, waiter: Waiter<T>): void {
    const set = this.#waiting.get(id);
    if (!set?.delete(waiter)) return;
    this.#count -= 1;
    if (set.size > 0) return;
    this.#waiting.delete(id);
    this.onEmpty?.(id);
  }
}

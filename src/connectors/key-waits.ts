/**
 * Waits on keys that another process will set, for connectors whose storage lives outside this
 * process (File, Redis). A change notification (an `fs.watch` event, a pub/sub message, a slow
 * poll tick) only says "look again": `recheck` then probes the storage once for every waiter
 * on that key, and concurrent rechecks of one key coalesce, so a burst of notifications never
 * reads a large object twice.
 * @module
 */
import type { Payload } from '../core/protocol.js';
import { WaiterTable } from '../core/waiters.js';

/** What a probe of the storage found for one key. */
export type ProbeResult =
  | { readonly state: 'set'; readonly payload: Payload }
  | { readonly state: 'pending' }
  | { readonly state: 'missing' };

/** Reads a key's state from the storage. */
export type Probe = (id: string) => Promise<ProbeResult>;

/** Waiters on keys plus coalesced probes that wake or fail them. */
export class KeyWaits {
  readonly #waiters = new WaiterTable<Payload>();
  readonly #counts = new Map<string, number>();
  readonly #probing = new Map<string, { again: boolean }>();
  #total = 0;

  /**
   * @param probe reads a key's state; it is never run twice at once for one key.
   * @param missing the error a waiter gets when its key turns out not to exist (evicted).
   */
  constructor(
    private readonly probe: Probe,
    private readonly missing: (id: string) => Error,
  ) {}

  /** Number of waits in progress, over all keys. */
  get size(): number {
    return this.#total;
  }

  /** The keys someone is waiting on. */
  ids(): string[] {
    return [...this.#counts.keys()];
  }

  /**
   * Registers a waiter; it settles on `wake`, `fail`, a probe, or the signal. It is counted
   * until it settles, so an aborted wait leaves nothing behind. Call `recheck` after whatever
   * makes notifications flow, so a set that landed before that is still seen.
   */
  wait(id: string, signal?: AbortSignal): Promise<Payload> {
    this.#counts.set(id, (this.#counts.get(id) ?? 0) + 1);
    this.#total += 1;
    return this.#waiters.wait(id, signal).finally(() => {
      this.#total -= 1;
      const left = (this.#counts.get(id) ?? 1) - 1;
      if (left === 0) this.#counts.delete(id);
      else this.#counts.set(id, left);
    });
  }

  /** Probes the key (once more, if a probe is already running) unless nobody waits on it. */
  recheck(id: string): void {
    if (!this.#counts.has(id)) return;
    const running = this.#probing.get(id);
    if (running) {
      // The running probe may have read the storage before this notification's change.
      running.again = true;
      return;
    }
    const run = { again: true };
    this.#probing.set(id, run);
    void this.#probeLoop(id, run);
  }

  /** Rechecks every key someone waits on. */
  recheckAll(): void {
    for (const id of this.ids()) this.recheck(id);
  }

  /** Resolves every waiter on `id` (this process set it, so no probe is needed). */
  wake(id: string, payload: Payload): void {
    this.#waiters.wake(id, payload);
  }

  /** Rejects every waiter on `id` with `missing(id)` (this process evicted it). */
  failMissing(id: string): void {
    this.#waiters.fail(id, () => this.missing(id));
  }

  /** Rejects every waiter on every key. */
  failAll(error: (id: string) => Error): void {
    this.#waiters.failAll(error);
  }

  async #probeLoop(id: string, run: { again: boolean }): Promise<void> {
    try {
      while (run.again && this.#counts.has(id)) {
        run.again = false;
        const found = await this.probe(id);
        if (found.state === 'set') this.#waiters.wake(id, found.payload);
        else if (found.state === 'missing') this.#waiters.fail(id, () => this.missing(id));
      }
    } catch (error) {
      // A storage failure ends the waits on this key rather than leaving them hanging.
      this.#waiters.fail(id, () => (error instanceof Error ? error : new Error(String(error))));
    } finally {
      this.#probing.delete(id);
    }
  }
}

/**
 * Times to live of a table's objects: a timer per object that evicts it when due. What lets a
 * lease taken on a peer daemon's object end on the peer itself, even after the client that took
 * it has crashed.
 * @module
 */

// setTimeout cannot wait longer than this; a longer time to live re-arms its timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One timer per id; none keeps the process alive. */
export class Expiries {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  /**
   * Runs `due(id)` once `ms` milliseconds have passed, replacing any earlier time for `id`.
   * @param id - the object's id.
   * @param ms - milliseconds from now.
   * @param due - what to do then (evict it).
   */
  set(id: string, ms: number, due: (id: string) => void): void {
    this.clear(id);
    const until = Date.now() + ms;
    const arm = (): void => {
      const left = until - Date.now();
      const timer = setTimeout(() => {
        if (left > MAX_TIMER_MS) return arm();
        this.#timers.delete(id);
        due(id);
      }, Math.min(Math.max(0, left), MAX_TIMER_MS));
      timer.unref();
      this.#timers.set(id, timer);
    };
    arm();
  }

  /** Forgets the time of `id` (it was evicted, or its limit removed). */
  clear(id: string): void {
    const timer = this.#timers.get(id);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(id);
  }

  /** Forgets every time (the table is being cleared). */
  clearAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

/**
 * The demo's timeline: `+  123 ms  [who] what` lines on stdout, timed from one start instant
 * that the client hands to its worker processes, so the lines of three processes line up.
 * @module
 */

/** The variable that carries the start instant (ms since the epoch) to the worker processes. */
export const T0_VARIABLE = 'PROXYMESH_DEMO_T0';

const t0 = Number(process.env[T0_VARIABLE] ?? Date.now());

/** Prints one timeline line. */
export function say(who: string, what: string): void {
  process.stdout.write(`+${String(Date.now() - t0).padStart(5)} ms  [${who}] ${what}\n`);
}

/** Simulated work that yields to the event loop, as real I/O-bound work would. */
export function work(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

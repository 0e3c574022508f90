/** Prints "+ 123 ms  [who] what" lines against the start time the client shares with its workers. */
const t0 = Number(process.env['PROXYMESH_EXAMPLE_T0'] ?? Date.now());

export function log(who: string, what: string): void {
  const ms = String(Date.now() - t0).padStart(5);
  process.stdout.write(`+${ms} ms  [${who}] ${what}\n`);
}

/** Simulated work that yields to the event loop, as real I/O-bound work would. */
export function work(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

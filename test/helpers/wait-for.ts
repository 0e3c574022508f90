/**
 * Waits until an observable condition holds (a peer's counters, a file's presence), checking
 * it again after each short pause, for at most `timeoutMs`. Tests use it only where the
 * condition lives in another process and sends no event; it orders nothing by time.
 */
export async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 50)));
  }
}

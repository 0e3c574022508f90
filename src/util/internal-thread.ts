/**
 * Marks the threads proxymesh runs for itself (the peer thread, the blocking bridge). Blocking
 * on a proxy from one of them could stall the very service that has to answer, so the
 * blocking bridge refuses to run there.
 * @module
 */
let internal = false;

/** Called once at the top of each of proxymesh's own worker modules. */
export function markInternalThread(): void {
  internal = true;
}

/** Whether this thread is one of proxymesh's own workers. */
export function isInternalThread(): boolean {
  return internal;
}

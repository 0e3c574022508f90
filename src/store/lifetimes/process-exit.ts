/**
 * Running async cleanup when the process ends: when its event loop empties (`beforeExit`), and
 * on SIGINT or SIGTERM, after which the signal's default action still happens (the process ends
 * with that signal) unless the program handles the signal itself.
 *
 * `process.exit()` runs no async work: cleanup then only starts, which finishes in-process
 * stores (their eviction is synchronous) and nothing else.
 * @module
 */

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `cleanup` once when the process ends.
 * @param cleanup - the async cleanup; its failure is ignored here (log it inside).
 * @returns a function that removes the hooks (call it when the cleanup ran by other means).
 */
export function onProcessExit(cleanup: () => Promise<void>): () => void {
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => (running ??= cleanup().catch(() => undefined));
  const onBeforeExit = (): void => void run();
  const onExit = (): void => void run();
  const onSignal = (signal: NodeJS.Signals): void => {
    void run().then(() => {
      remove();
      // Our listener replaced the default action; with no other listener left, restore it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const remove = (): void => {
    process.off('beforeExit', onBeforeExit);
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return remove;
}

/**
 * Starting the workflow group's processes: plain `node` on a `.mjs` file of procs/, with Node's
 * default flags unless a labelled extra row asks for one, as a user starts a program.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { startProcess, type RoleProcess } from '../lib/child.js';

/** Starts `procs/<proc>.mjs` with `argv`; `execArgv` stays empty for every headline row. */
export function startUser(proc: string, argv: string[] = [], execArgv: string[] = []): Promise<RoleProcess> {
  return startProcess(`workflow ${proc}`, fileURLToPath(new URL(`procs/${proc}.mjs`, import.meta.url)), argv, execArgv);
}

/**
 * Starts the processes, runs `body` with them and stops them all, also when a start or the body
 * fails (the ones that did start are stopped before the error goes on).
 */
export async function withUsers<T>(starts: readonly Promise<RoleProcess>[], body: (procs: RoleProcess[]) => Promise<T>): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return await body(started);
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}

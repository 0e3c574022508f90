/**
 * Starts a worker thread from a module next to the caller. Built code runs `.js` workers as
 * they are; when the caller itself runs from TypeScript source (tests, `tsx`), the worker is
 * the `.ts` file, loaded through tsx's loader (a dev dependency), which must be registered
 * inside the worker because Node 20 does not pass `--import` on to workers.
 * @module
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * @param callerUrl the caller's `import.meta.url`.
 * @param name the worker module's base name, e.g. `peer-thread-worker`.
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const url = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * The piscina engine: tasks on a pool of worker threads of this process. piscina is an optional
 * dependency, imported when the first engine is made.
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import type { TaskEngine, TaskMessage, TaskReply } from './engine.js';
import type { PiscinaTaskData } from './piscina-worker.js';

/** Options of `piscinaEngine`: piscina's own pool options, passed on as they are. */
export interface PiscinaEngineOptions {
  /**
   * The worker module, whose default export is `piscinaWorker(tasks)`. A `.ts` module is
   * loaded through tsx (which must then be installed), as Node does not pass `--import` on to
   * worker threads.
   */
  readonly filename: string | URL;
  /** Fewest threads kept alive. */
  readonly minThreads?: number | undefined;
  /** Most threads. */
  readonly maxThreads?: number | undefined;
  /** Tasks one thread runs at once (tasks that mostly wait for I/O can share a thread). */
  readonly concurrentTasksPerWorker?: number | undefined;
  /** Milliseconds an idle thread lives. */
  readonly idleTimeout?: number | undefined;
  /** Any other piscina option, as piscina documents it. */
  readonly pool?: Readonly<Record<string, unknown>> | undefined;
}

/** The part of a piscina pool the engine uses. */
interface Pool {
  run(task: PiscinaTaskData): Promise<TaskReply>;
  destroy(): Promise<void>;
}

// A worker thread cannot load TypeScript by itself: a tiny ES module registers tsx there first.
async function typescriptBootstrap(path: string): Promise<{ file: string; dispose: () => Promise<void> }> {
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch (error) {
    throw new InvalidArgumentError(`The piscina worker module ${path} is TypeScript, which worker threads load only through tsx: install tsx, or build the module to JavaScript.`, { cause: error });
  }
  const dir = await mkdtemp(join(tmpdir(), 'proxymesh-piscina-'));
  const file = join(dir, 'worker.mjs');
  const source = `import { register } from ${JSON.stringify(api)};\nregister();\nconst module = await import(${JSON.stringify(pathToFileURL(path).href)});\nexport default module.default;\n`;
  await writeFile(file, source);
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A piscina pool running the tasks its worker module registered. Each task's message goes to a
 * thread by structured clone; its data stays in the store.
 * @param options - the worker module and pool options.
 * @returns the engine; `close()` destroys the pool.
 * @throws Error when piscina is not installed (it is an optional dependency: `npm install piscina`).
 * @example
 * ```ts
 * const engine = await piscinaEngine({ filename: new URL('./worker.js', import.meta.url), maxThreads: 4 });
 * const executor = new StoreExecutor(engine, store, { shouldProxy: proxyAlways() });
 * ```
 */
export async function piscinaEngine(options: PiscinaEngineOptions): Promise<TaskEngine> {
  const { Piscina } = await import('piscina').catch((error: unknown) => {
    throw new Error('piscinaEngine needs the optional dependency piscina: install it with `npm install piscina`.', { cause: error });
  });
  let path = options.filename instanceof URL ? fileURLToPath(options.filename) : options.filename;
  const bootstrap = path.endsWith('.ts') ? await typescriptBootstrap(path) : undefined;
  path = bootstrap?.file ?? path;
  const { filename: _, pool: extra, ...settings } = options;
  const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  const pool = new Piscina({ ...extra, ...defined, filename: path }) as unknown as Pool;
  let closed: Promise<void> | undefined;
  return {
    async run(name: string, message: TaskMessage): Promise<TaskReply> {
      // A destroyed pool would start new threads for a later task.
      if (closed !== undefined) throw new ClosedError(`The piscina engine is closed, so task "${name}" cannot run: make a new engine.`);
      return pool.run({ name, message });
    },
    close() {
      closed ??= pool.destroy().then(() => bootstrap?.dispose());
      return closed;
    },
  };
}

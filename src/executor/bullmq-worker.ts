/**
 * The BullMQ engine, worker side: a BullMQ worker that runs registered tasks by job name.
 * @module
 */
import { log } from '../log.js';
import type { TaskMessage } from './engine.js';
import { importBullmq, queueOptions, type BullmqOptions } from './bullmq-connection.js';
import { runTask, type TaskRegistry } from './tasks.js';

// An idle BullMQ worker asks Redis for a job each time its blocking wait times out (BullMQ's
// drainDelay, 5 s by default), about 500 bytes a time; a new job wakes it at once whatever the
// timeout, so a longer one costs no latency.
const IDLE_POLL_SECONDS = 30;

/** Options of `bullmqWorker`. */
export interface BullmqWorkerOptions extends BullmqOptions {
  /** Jobs this worker runs at once. Default 1. */
  readonly concurrency?: number | undefined;
  /** Any other BullMQ worker option, as BullMQ documents it (`drainDelay` is 30 s here, not 5). */
  readonly worker?: Readonly<Record<string, unknown>> | undefined;
}

/** A running BullMQ worker. */
export interface BullmqWorkerHandle {
  /** Stops taking jobs, waits for the running ones, and closes its connections. */
  close(): Promise<void>;
}

/**
 * Starts a BullMQ worker for the executor's tasks: it takes jobs from the queue and runs the
 * task registered under each job's name (a job whose name is not registered fails with a
 * TaskError). Start one per process, on as many hosts as needed. When the store's config cannot
 * be rebuilt as it is on this host (a mesh peer must listen on this host's address), register a
 * store of the same name here first (`new Store(name, connector, { register: true })`).
 * @param tasks - the registry from `defineTasks`.
 * @param options - queue name, Redis connection, prefix, concurrency.
 * @returns the worker, once it is connected.
 * @throws Error when bullmq is not installed (`npm install bullmq`), or Redis cannot be reached.
 * @example
 * ```ts
 * const worker = await bullmqWorker(tasks, { queue: 'work', connection: { host: 'redis.internal', port: 6379 } });
 * ```
 */
export async function bullmqWorker(tasks: TaskRegistry, options: BullmqWorkerOptions): Promise<BullmqWorkerHandle> {
  const { Worker } = await importBullmq('bullmqWorker');
  const worker = new Worker(options.queue, (job) => runTask(tasks, job.name, job.data as TaskMessage), {
    drainDelay: IDLE_POLL_SECONDS,
    ...options.worker,
    ...queueOptions(options),
    concurrency: options.concurrency ?? 1,
  });
  // An 'error' event without a listener would end the process; BullMQ reconnects by itself.
  worker.on('error', (error) => log.warn('BullMQ worker error', { queue: options.queue, error }));
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}

/**
 * The BullMQ engine, client side: each task is a job of a Redis-backed queue, run by workers on
 * any number of hosts (`bullmqWorker`). bullmq is an optional dependency, imported when the
 * first engine is made.
 * @module
 */
import type { TaskEngine, TaskMessage, TaskReply } from './engine.js';
import { TaskError } from './errors.js';
import { importBullmq, queueOptions, type BullmqOptions } from './bullmq-connection.js';

/** Options of `bullmqEngine`. */
export interface BullmqEngineOptions extends BullmqOptions {
  /**
   * BullMQ job options for every task (`attempts`, `priority`, ...). By default a job is tried
   * once (its proxied inputs are evicted when it settles, so a retry would find them gone) and
   * kept in Redis for an hour after it ends.
   */
  readonly jobOptions?: Readonly<Record<string, unknown>> | undefined;
}

// A finished job must outlive the check waitUntilFinished makes after subscribing: a job removed
// at once could be reported missing, as a failure, when it completed in between.
const DEFAULT_JOB_OPTIONS = { attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } };

/**
 * A BullMQ queue whose workers run the tasks (`bullmqWorker` on each worker host). Jobs carry
 * the task's message: its by-value arguments and the references of proxied ones.
 * @param options - queue name, Redis connection, prefix, job options.
 * @returns the engine, once its event stream listens; `close()` closes the queue's connections.
 * @throws Error when bullmq is not installed (`npm install bullmq`), or Redis cannot be reached.
 * @example
 * ```ts
 * const engine = await bullmqEngine({ queue: 'work', connection: { host: 'redis.internal', port: 6379 } });
 * const executor = new StoreExecutor(engine, store, { shouldProxy: proxyLargerThan(4096) });
 * ```
 */
export async function bullmqEngine(options: BullmqEngineOptions): Promise<TaskEngine> {
  const { Queue, QueueEvents } = await importBullmq('bullmqEngine');
  const queue = new Queue(options.queue, queueOptions(options));
  const events = new QueueEvents(options.queue, queueOptions(options));
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  } catch (error) {
    await Promise.allSettled([queue.close(), events.close()]);
    throw error;
  }
  const jobOptions = { ...DEFAULT_JOB_OPTIONS, ...options.jobOptions };
  return {
    async run(name: string, message: TaskMessage): Promise<TaskReply> {
      const job = await queue.add(name, message, jobOptions);
      try {
        return (await job.waitUntilFinished(events)) as TaskReply;
      } catch (error) {
        // BullMQ hands back only the worker error's message.
        const reason = error instanceof Error ? error.message : String(error);
        throw new TaskError(name, `Task "${name}" (BullMQ job ${job.id} of queue "${options.queue}") failed on its worker: ${reason}`, { cause: error });
      }
    },
    async close() {
      await Promise.all([queue.close(), events.close()]);
    },
  };
}

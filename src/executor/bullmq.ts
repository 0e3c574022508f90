/**
 * The BullMQ engine, client side: each task is a job of a Redis-backed queue, run by workers on
 * any number of hosts (`bullmqWorker`). bullmq is an optional dependency, imported when the
 * first engine is made.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ClosedError } from '../errors.js';
import { log } from '../log.js';
import type { TaskEngine, TaskMessage, TaskReply } from './engine.js';
import { TaskError } from './errors.js';
import { importBullmq, queueOptions, type BullmqOptions } from './bullmq-connection.js';

/** Options of `bullmqEngine`. */
export interface BullmqEngineOptions extends BullmqOptions {
  /**
   * BullMQ job options for every task (`priority`, `removeOnFail`, ...). By default a job is
   * tried once (its proxied inputs are evicted when it settles, so a retry would find them
   * gone) and removed from Redis when it ends.
   */
  readonly jobOptions?: Readonly<Record<string, unknown>> | undefined;
}

// The engine learns a job's end from its event, so no job needs to stay in Redis after it.
const DEFAULT_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true };

type Settle = { resolve: (reply: TaskReply) => void; reject: (error: unknown) => void };

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
  // An 'error' event without a listener would end the process; BullMQ reconnects by itself.
  queue.on('error', (error: Error) => log.warn('BullMQ queue error', { queue: options.queue, error }));
  let events: InstanceType<typeof QueueEvents> | undefined;
  try {
    await queue.waitUntilReady();
    // QueueEvents reads from "now" ('$') once its loop has started, which its readiness does not
    // wait for: a task that ended in between would be missed. It reads from Redis's clock at
    // this instant instead (a stream's ids are that clock's milliseconds). The backend's raw
    // client is ioredis, whose TIME BullMQ's client interface does not list.
    const [seconds, micros] = await ((await queue.backend.client) as unknown as { time(): Promise<[string, string]> }).time();
    const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
    events = new QueueEvents(options.queue, { ...queueOptions(options), lastEventId });
    events.on('error', (error: Error) => log.warn('BullMQ queue events error', { queue: options.queue, error }));
    await events.waitUntilReady();
  } catch (error) {
    await Promise.allSettled([queue.close(), events?.close()]);
    throw error;
  }
  const listener = events;
  // The engine names its jobs, so it waits for a job's end before adding it: no end can be
  // missed, no state check follows in Redis, and a completed job can be removed at once.
  // A letter first: BullMQ refuses ids that look like integers.
  const prefix = `t${randomBytes(3).toString('hex')}`;
  let next = 0;
  const pending = new Map<string, Settle>();
  listener.on('completed', (event: { jobId: string; returnvalue: unknown }) => pending.get(event.jobId)?.resolve(event.returnvalue as TaskReply));
  listener.on('failed', (event: { jobId: string; failedReason: string }) => pending.get(event.jobId)?.reject(new Error(event.failedReason)));
  const jobOptions = { ...DEFAULT_JOB_OPTIONS, ...options.jobOptions };
  let closed: Promise<void> | undefined;
  return {
    async run(name: string, message: TaskMessage): Promise<TaskReply> {
      if (closed !== undefined) throw new ClosedError(`The BullMQ engine of queue "${options.queue}" is closed, so task "${name}" cannot run: make a new engine.`);
      const jobId = `${prefix}${(next++).toString(36)}`;
      const ended = new Promise<TaskReply>((resolve, reject) => pending.set(jobId, { resolve, reject }));
      ended.catch(() => undefined); // observed below, unless adding the job fails first
      try {
        await queue.add(name, message, { ...jobOptions, jobId });
        return await ended;
      } catch (error) {
        if (error instanceof ClosedError) throw error;
        // BullMQ hands back only the worker error's message.
        const reason = error instanceof Error ? error.message : String(error);
        throw new TaskError(name, `Task "${name}" (BullMQ job ${jobId} of queue "${options.queue}") failed on its worker: ${reason}`, { cause: error });
      } finally {
        pending.delete(jobId);
      }
    },
    close() {
      closed ??= (async () => {
        const error = new ClosedError(`The BullMQ engine of queue "${options.queue}" was closed while its task was running: its result will not be received.`);
        for (const settle of pending.values()) settle.reject(error);
        await Promise.all([queue.close(), listener.close()]);
      })();
      return closed;
    },
  };
}

/**
 * What `StoreExecutor` needs of a task engine, and the JSON message each task carries. An
 * engine runs a task named on the client on some worker, where a function was registered
 * under that name (`defineTasks`), and hands back its reply: piscina's worker threads, BullMQ's
 * queue and workers, or anything else with that shape.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import type { StoreConfig } from '../core/reference.js';
import type { PolicySpec } from './policy.js';

/** The message a task carries to its worker: plain JSON, small whatever the data's size. */
export interface TaskMessage {
  /**
   * The arguments as JSON: values, and the references of proxied ones; references to `store`
   * leave its config out (`"store": null`), which the worker puts back.
   */
  readonly args: readonly JsonValue[];
  /** The config of the store the executor proxies through; the worker proxies the result there. */
  readonly store: StoreConfig;
  /** Which results travel back as proxies. */
  readonly proxyResult: PolicySpec;
  /** Whether a proxied result comes back as an `OwnedProxy`. */
  readonly ownership: boolean;
}

/** What a worker answers: the result as JSON (a reference when it was proxied). */
export interface TaskReply {
  /** The result's JSON (a reference to the task's store without its config); absent for `undefined`. */
  readonly result?: JsonValue;
}

/**
 * A task engine: runs the task registered under `name` on a worker, with `message`, and
 * resolves with the worker's reply. Engines must carry the message as JSON or by structured
 * clone, and run the worker side through `runTask` (the adapters do).
 */
export interface TaskEngine {
  /**
   * Runs one task.
   * @param name - the name the task is registered under on the workers.
   * @param message - its message.
   * @returns the worker's reply.
   */
  run(name: string, message: TaskMessage): Promise<TaskReply>;
  /** Stops the engine's client side (its pool or queue connections). */
  close(): Promise<void>;
}

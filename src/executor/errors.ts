/**
 * The executor's error: a task that could not run, or that failed on its worker.
 * @module
 */
import { ProxyMeshError } from '../errors.js';

/**
 * A task failed: it is not registered on the worker that took it, its arguments or result
 * cannot travel, or the task itself threw (the worker's error is the `cause`, or, for engines
 * that carry only a message, part of this message).
 */
export class TaskError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'TaskError';

  /**
   * @param task - the task's name.
   * @param message - a sentence naming the task and what to do.
   * @param options - the underlying error as `cause`.
   */
  constructor(
    /** The name of the task that failed. */
    readonly task: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The worker side of the piscina engine: a piscina worker module's default export.
 * @module
 */
import type { TaskMessage, TaskReply } from './engine.js';
import { runTask, type TaskRegistry } from './tasks.js';

/** What the piscina engine posts for each task. */
export interface PiscinaTaskData {
  /** The task's registered name. */
  readonly name: string;
  /** Its message. */
  readonly message: TaskMessage;
}

/**
 * The handler a piscina worker module exports as its default export: it runs the tasks of
 * `tasks` by the names the client submits. Piscina runs one function per module, so tasks are
 * registered here, by name, rather than as the module's named exports.
 * @param tasks - the registry from `defineTasks`.
 * @returns the handler.
 * @example
 * ```ts
 * // worker.ts, the file given to piscinaEngine({ filename })
 * export default piscinaWorker(defineTasks({ double: (xs: number[]) => xs.map((x) => 2 * x) }));
 * ```
 */
export function piscinaWorker(tasks: TaskRegistry): (data: PiscinaTaskData) => Promise<TaskReply> {
  return (data) => runTask(tasks, data.name, data.message);
}

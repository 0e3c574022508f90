/**
 * An engine that runs tasks in this process, for development and tests: each message and reply
 * still goes through JSON, so what works here travels the same through a real engine.
 * @module
 */
import type { TaskEngine, TaskMessage, TaskReply } from './engine.js';
import { runTask, type TaskRegistry } from './tasks.js';

/**
 * Runs registered tasks in this process, one JSON round trip per message and reply, as a
 * remote worker would receive them.
 * @param tasks - the registry from `defineTasks`.
 * @returns the engine.
 * @example
 * ```ts
 * const executor = new StoreExecutor(localEngine(tasks), store);
 * ```
 */
export function localEngine(tasks: TaskRegistry): TaskEngine {
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return {
    async run(name: string, message: TaskMessage): Promise<TaskReply> {
      return copy(await runTask(tasks, name, copy(message)));
    },
    async close(): Promise<void> {},
  };
}

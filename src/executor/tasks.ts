/**
 * The worker side of `StoreExecutor`: tasks registered by name, and `runTask`, which revives a
 * task's arguments (proxies resolve through the store rebuilt from its config, or the one this
 * process registered under that name), runs the task and proxies its result as the client's
 * policy says. Engine adapters call `runTask`; users only call `defineTasks`.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import { reviver } from '../store/reviver.js';
import { isProxy } from '../proxy/control.js';
import { getOrCreateStore } from '../store/get-or-create.js';
import { isProxiable } from '../store/proxiable.js';
import { compactReferences, expandReferences } from './compact-references.js';
import type { TaskMessage, TaskReply } from './engine.js';
import { TaskError } from './errors.js';
import { jsonProblem, reviveParsed } from './json-value.js';
import { policyFromSpec } from './policy.js';

/** A task: any function of the arguments it is submitted with, sync or async. */
export type TaskFunction = (...args: never[]) => unknown;

/** Tasks by name. */
export type TaskTable = { readonly [name: string]: TaskFunction };

/** Tasks registered for a worker, as `defineTasks` returns them. */
export type TaskRegistry<T extends TaskTable = TaskTable> = Readonly<T>;

/**
 * Registers the tasks a worker can run, by name: the client submits a task by this name, so
 * every worker of an engine must register the same tables. Pass the registry to the engine's
 * worker (`piscinaWorker`, `bullmqWorker`); give its type to `StoreExecutor` for typed calls.
 * @param tasks - functions by name.
 * @returns the registry (frozen).
 * @throws InvalidArgumentError when a value is not a function.
 * @example
 * ```ts
 * export const tasks = defineTasks({ total: (xs: number[]) => xs.reduce((a, b) => a + b, 0) });
 * ```
 */
export function defineTasks<T extends TaskTable>(tasks: T): TaskRegistry<T> {
  for (const [name, task] of Object.entries(tasks)) {
    if (typeof task !== 'function') throw new TaskError(name, `Task "${name}" must be a function, got ${typeof task}: register functions only.`);
  }
  return Object.freeze({ ...tasks });
}

/**
 * Runs one task as a worker received it.
 * @param tasks - this worker's registry.
 * @param name - the task's name.
 * @param message - the message the client sent.
 * @returns the reply: the result's JSON, a reference when the policy proxied it.
 * @throws TaskError when no task has this name, or the result cannot travel as JSON; whatever
 *   the task throws, as it threw it.
 */
export async function runTask(tasks: TaskRegistry, name: string, message: TaskMessage): Promise<TaskReply> {
  const task = Object.hasOwn(tasks, name) ? tasks[name] : undefined;
  if (task === undefined) {
    const known = Object.keys(tasks).map((n) => `"${n}"`).join(', ') || 'none';
    throw new TaskError(name, `No task "${name}" is registered on this worker (registered: ${known}): add it to the defineTasks() table this worker was started with.`);
  }
  const policy = policyFromSpec(message.proxyResult, name);
  // The message is this worker's own copy (cloned or parsed by the engine): revived in place.
  const args = reviveParsed(expandReferences(message.args, message.store), reviver) as never[];
  let result: unknown = await task(...args);
  if (!isProxy(result) && isProxiable(result) && policy(result)) {
    const store = await getOrCreateStore(message.store);
    result = message.ownership ? await store.ownedProxy(result) : await store.proxy(result);
  }
  if (result === undefined) return {};
  const problem = jsonProblem(result);
  if (problem !== undefined) {
    throw new TaskError(name, `Task "${name}" returned ${problem}, which cannot travel back by value as JSON: have the executor's shouldProxy policy select it (e.g. proxyType or proxyLargerThan), or return JSON.`);
  }
  return { result: compactReferences(JSON.parse(JSON.stringify(result)) as JsonValue, message.store) };
}

/**
 * `StoreExecutor`: ProxyStore's executor wrapper over TypeScript task engines. Arguments and
 * results that the policy selects travel as proxies (a key and a store config), so the engine
 * (a thread pool, a Redis queue) carries references while the data moves through the store.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import { reviver } from '../store/reviver.js';
import { ClosedError } from '../errors.js';
import { log } from '../log.js';
import { getKey, isProxy } from '../proxy/control.js';
import { isProxiable } from '../store/proxiable.js';
import type { Store } from '../store/store.js';
import { compactReferences, compactStoreConfig, expandReferences } from './compact-references.js';
import type { TaskEngine, TaskMessage } from './engine.js';
import { TaskError } from './errors.js';
import { jsonProblem, reviveParsed } from './json-value.js';
import { proxyNever, type ProxyPolicy } from './policy.js';
import type { TaskTable } from './tasks.js';

/** Options of `StoreExecutor`. */
export interface StoreExecutorOptions {
  /**
   * Which arguments and results travel as proxies; applied to each argument and to the result,
   * not to what they contain. Default `proxyNever()`.
   */
  readonly shouldProxy?: ProxyPolicy | undefined;
  /**
   * Proxied results come back as `OwnedProxy` values, which evict their object when released
   * (`using`, `release`) or garbage-collected. When false they are plain proxies, and evicting
   * their objects is up to the caller. Default true.
   */
  readonly ownership?: boolean | undefined;
  /** `close()` also closes the store. Default true. */
  readonly closeStore?: boolean | undefined;
}

/** Any tasks, for an executor not given the workers' task table type. */
export type AnyTasks = {
  /** Each task by its name. */
  readonly [name: string]: (...args: unknown[]) => unknown;
};

/** The arguments of a task, as the client passes them. */
export type TaskArgs<F> = F extends (...args: infer A) => unknown ? A : unknown[];
/** What a task's promise resolves to on the client (a transparent proxy when it was proxied). */
export type TaskResult<F> = F extends (...args: never[]) => infer R ? Awaited<R> : unknown;

/**
 * Wraps a task engine so that the arguments and results its policy selects travel as proxies.
 * Inputs it proxied are evicted when their task settles; proxied results come back owned
 * (`ownership`). Tasks run by name: each worker registers them with `defineTasks` and runs them
 * through the engine's worker (`piscinaWorker`, `bullmqWorker`); an unknown name fails the task.
 * @typeParam T - the workers' task table (`typeof tasks`), for typed `submit` and `map`.
 * @example
 * ```ts
 * const executor = new StoreExecutor<typeof tasks>(engine, store, { shouldProxy: proxyLargerThan(64 * 1024) });
 * const out = await executor.submit('double', new Float64Array(1_000_000));
 * ```
 */
export class StoreExecutor<T extends TaskTable = AnyTasks> implements AsyncDisposable {
  /** The wrapped engine; closed by `close()`. */
  readonly engine: TaskEngine;
  /** The store proxies go through. */
  readonly store: Store;
  /** The policy for arguments and results. */
  readonly shouldProxy: ProxyPolicy;
  /** Whether proxied results come back owned. */
  readonly ownership: boolean;
  /** Whether `close()` closes the store. */
  readonly closeStore: boolean;
  #closed: Promise<void> | undefined;

  /**
   * @param engine - the engine to run tasks on (`piscinaEngine`, `bullmqEngine`, `localEngine`
   *   or your own `TaskEngine`); the executor takes it over and closes it on `close()`.
   * @param store - the store proxies go through; its config must let workers rebuild it, or
   *   each worker process must register a store of that name itself.
   * @param options - `shouldProxy`, `ownership`, `closeStore`.
   */
  constructor(engine: TaskEngine, store: Store, options: StoreExecutorOptions = {}) {
    this.engine = engine;
    this.store = store;
    this.shouldProxy = options.shouldProxy ?? proxyNever();
    this.ownership = options.ownership ?? true;
    this.closeStore = options.closeStore ?? true;
  }

  /**
   * Runs a task on the engine.
   * @param name - the name the task is registered under on the workers.
   * @param args - its arguments: values JSON carries faithfully, proxies, or values the policy proxies.
   * @returns the task's result; a proxy (owned, with `ownership`) when the policy selected it.
   * @throws TaskError when an argument the policy leaves by value cannot travel as JSON, the
   *   task is not registered on the worker, or the task failed (its error as `cause`).
   * @throws ClosedError when the executor or the store is closed.
   */
  async submit<N extends keyof T & string>(name: N, ...args: TaskArgs<T[N]>): Promise<TaskResult<T[N]>> {
    if (this.#closed !== undefined) throw new ClosedError(`This StoreExecutor is closed, so task "${name}" was not submitted: make a new executor.`);
    const { message, keys } = await this.#prepare(name, args);
    try {
      const reply = await this.engine.run(name, message).catch((error: unknown) => {
        throw error instanceof TaskError ? error : new TaskError(name, `Task "${name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
      return (reply.result === undefined ? undefined : reviveParsed(expandReferences(reply.result, message.store), reviver)) as TaskResult<T[N]>;
    } finally {
      await this.#evict(name, keys);
    }
  }

  /**
   * Runs a task once per element of the iterables, in parallel as the engine allows: the i-th
   * call gets the i-th element of each. Each call's proxied inputs are evicted when it settles.
   * @param name - the task's name.
   * @param iterables - one iterable per argument; the shortest one sets the number of calls.
   * @returns the results, in order; rejects with the first failure once every call has settled.
   * @throws TaskError as `submit`.
   */
  async map<N extends keyof T & string>(name: N, ...iterables: Iterable<unknown>[]): Promise<TaskResult<T[N]>[]> {
    const columns = iterables.map((iterable) => [...iterable]);
    const count = columns.length === 0 ? 0 : Math.min(...columns.map((c) => c.length));
    const calls = Array.from({ length: count }, (_, i) => this.submit(name, ...(columns.map((c) => c[i]) as TaskArgs<T[N]>)));
    const settled = await Promise.allSettled(calls);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<TaskResult<T[N]>>).value);
  }

  /**
   * Closes the engine, then the store (unless `closeStore` is false). Idempotent. Owned results
   * still alive evict their objects when released, which needs the store: release them first.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.engine.close();
      if (this.closeStore) await this.store.close();
    })();
    return this.#closed;
  }

  /** `await using executor = new StoreExecutor(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #prepare(name: string, args: readonly unknown[]): Promise<{ message: TaskMessage; keys: JsonValue[] }> {
    const selected = args.map((arg) => !isProxy(arg) && isProxiable(arg) && this.shouldProxy(arg));
    args.forEach((arg, i) => {
      const problem = selected[i] ? undefined : jsonProblem(arg);
      if (problem !== undefined) {
        throw new TaskError(name, `Argument ${i} of task "${name}" is ${problem}, which cannot travel by value as JSON: have the executor's shouldProxy policy select it (e.g. proxyType or proxyLargerThan), or pass JSON.`);
      }
    });
    const chosen = args.filter((_, i) => selected[i]);
    const proxies = chosen.length === 0 ? [] : await this.store.proxyBatch(chosen);
    const keys = proxies.map((p) => getKey(p));
    let next = 0;
    const sent = args.map((arg, i) => (selected[i] ? proxies[next++] : arg));
    try {
      const store = compactStoreConfig(this.store.config());
      const message: TaskMessage = {
        args: compactReferences(JSON.parse(JSON.stringify(sent)) as JsonValue[], store),
        store,
        proxyResult: this.shouldProxy.spec,
        ownership: this.ownership,
      };
      return { message, keys };
    } catch (error) {
      await this.#evict(name, keys);
      throw error;
    }
  }

  // The caller learns the task's outcome either way: a failed eviction is only logged.
  async #evict(name: string, keys: readonly JsonValue[]): Promise<void> {
    await Promise.all(
      keys.map((key) => this.store.evict(key).catch((error: unknown) => log.warn('could not evict a task input after the task settled', { task: name, key, error }))),
    );
  }
}

/**
 * What every engine must do under StoreExecutor, run against each engine (in this process,
 * piscina threads, BullMQ worker processes) with a FileConnector store shared by client and
 * workers: ProxyStore's executor tests (default and proxy behaviour, with and without
 * ownership), plus eviction of inputs when a task settles, failures and their messages.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileConnector } from '../../src/connectors/file.js';
import type { TaskEngine } from '../../src/executor/engine.js';
import { TaskError } from '../../src/executor/errors.js';
import { proxyAlways, proxyType } from '../../src/executor/policy.js';
import { StoreExecutor } from '../../src/executor/store-executor.js';
import { isOwnedProxy } from '../../src/store/ownership/make.js';
import { release } from '../../src/store/ownership/owned.js';
import { getKey, isProxy, resolve } from '../../src/proxy/control.js';
import { Store } from '../../src/store/store.js';
import type { tasks } from '../fixtures/executor-tasks.js';

/** How a suite gets its engine: one per test, over workers made once per suite. */
export interface EngineSetup {
  /** Starts what the engine's workers need (processes, pools), once. */
  before?(): Promise<void>;
  /** Makes an engine for one test. */
  engine(): Promise<TaskEngine>;
  /** Stops the workers. */
  after?(): Promise<void>;
}

/** The objects a FileConnector directory holds. */
export async function objectsIn(directory: string): Promise<number> {
  return (await readdir(directory)).filter((name) => name.endsWith('.ready')).length;
}

export function executorSuite(name: string, setup: EngineSetup): void {
  describe(`StoreExecutor over ${name}`, () => {
    let directory: string;
    let store: Store;
    const open: StoreExecutor<typeof tasks>[] = [];

    beforeAll(async () => setup.before?.(), 60_000);
    afterAll(async () => setup.after?.(), 60_000);
    beforeEach(async () => {
      directory = await mkdtemp(join(tmpdir(), 'proxymesh-executor-'));
      store = new Store(`executor-${name}-${process.pid}-${Math.random().toString(36).slice(2)}`, new FileConnector({ directory }), { register: true });
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((e) => e.close()));
      await store.close();
      await rm(directory, { recursive: true, force: true });
    });

    async function executor(options: ConstructorParameters<typeof StoreExecutor>[2] = {}): Promise<StoreExecutor<typeof tasks>> {
      const made = new StoreExecutor<typeof tasks>(await setup.engine(), store, { closeStore: false, ...options });
      open.push(made);
      return made;
    }

    // ProxyStore's test_default_behavior: nothing is proxied, results are plain values, nothing is stored.
    it('passes values through by default', async () => {
      const e = await executor();
      expect(e.shouldProxy.spec).toEqual({ kind: 'never' });
      const result = await e.submit('sum', [1, 2, 3], -6);
      expect(isProxy(result)).toBe(false);
      expect(result).toBe(0);
      expect(await e.submit('sum', [1, -1])).toBe(0);
      const results = await e.map('power', [1, -1, 2]);
      expect(results.some((r) => isProxy(r))).toBe(false);
      expect(results).toEqual([1, 1, 4]);
      expect(await objectsIn(directory)).toBe(0);
    });

    // ProxyStore's test_proxy_behavior with ownership: results are owned proxies; once they are released the store is empty (inputs were evicted by the executor).
    it('proxies arguments and results, and leaves nothing once owned results are released', async () => {
      const e = await executor({ shouldProxy: proxyAlways() });
      // ProxyStore's sum is 0, which no proxy can stand for (a proxy is truthy): it would travel by value.
      const result = await e.submit('sum', [1, 2, 3], -5);
      expect(isOwnedProxy(result)).toBe(true);
      expect(result + 0).toBe(1);
      const results = await e.map('power', [1, -1, 2]);
      expect(results.every((r) => isOwnedProxy(r))).toBe(true);
      expect(results.map((r) => r + 0)).toEqual([1, 1, 4]);
      // Only the four results remain: every input was evicted when its task settled.
      expect(await objectsIn(directory)).toBe(4);
      await Promise.all([result, ...results].map((r) => release(r)));
      expect(await objectsIn(directory)).toBe(0);
    });

    // ProxyStore's test_proxy_behavior without ownership: results are plain proxies, left for the caller to evict.
    it('returns plain proxies without ownership', async () => {
      const e = await executor({ shouldProxy: proxyAlways(), ownership: false });
      const result = await e.submit('concat', 'foobar', 42);
      expect(isProxy(result)).toBe(true);
      expect(isOwnedProxy(result)).toBe(false);
      expect(`${result}`).toBe('foobar-42');
      expect(await objectsIn(directory)).toBe(1);
      await store.evict(getKey(result));
      expect(await objectsIn(directory)).toBe(0);
    });

    // Only what the policy selects travels as a proxy; what arrives at the task says which did.
    it('proxies only the arguments the policy selects', async () => {
      const e = await executor({ shouldProxy: proxyType(Uint8Array) });
      const seen = await e.submit('inspect', new Uint8Array([1, 2]), 7, 'text');
      expect(seen).toEqual([
        { proxy: true, type: 'Uint8Array' },
        { proxy: false, type: 'number' },
        { proxy: false, type: 'string' },
      ]);
      const digest = await e.submit('digest', Buffer.from('abc'));
      expect(digest).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      const out = await e.submit('transform', Buffer.from([1, 2, 3]));
      expect(isOwnedProxy(out)).toBe(true);
      expect([...(await resolve(out))]).toEqual([0x42, 2 ^ 0x5a, 3 ^ 0x5a]);
      await release(out);
      expect(await objectsIn(directory)).toBe(0);
    });

    // A failing task rejects with a TaskError naming it and carrying the worker's message, and its proxied inputs are evicted all the same.
    it('evicts the inputs of a task that failed, and says which task failed and why', async () => {
      const e = await executor({ shouldProxy: proxyAlways() });
      const error = await e.submit('fail', 'on purpose').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TaskError);
      expect((error as TaskError).task).toBe('fail');
      expect((error as Error).message).toMatch(/^Task "fail" .*failed.*the task failed on purpose: on purpose/);
      expect(await objectsIn(directory)).toBe(0);
    });

    // A proxy the caller made travels as it is and is not the executor's to evict.
    it("leaves the caller's own proxies in the store", async () => {
      const e = await executor({ shouldProxy: proxyAlways() });
      const mine = await store.proxy([5, 6]);
      const total = await e.submit('sum', mine, 0);
      expect(total + 0).toBe(11);
      await release(total);
      expect(await store.exists(getKey(mine))).toBe(true);
    });

    // A name no worker registered, and a result JSON cannot carry, fail with sentences that say what to do.
    it('fails unknown tasks and results that cannot travel with TaskErrors', async () => {
      const e = await executor();
      const unknown = e as unknown as StoreExecutor;
      await expect(unknown.submit('nope', 1)).rejects.toThrow(/No task "nope" is registered on this worker \(registered: "sum", "power".*add it to the defineTasks\(\) table/);
      await expect(e.submit('aMap')).rejects.toThrow(/Task "aMap" returned a Map, which cannot travel back by value as JSON: have the executor's shouldProxy policy select it/);
      expect(await e.submit('nothing')).toBeUndefined();
      // With a policy that selects it, the Map travels as an (owned) proxy instead.
      const proxied = await (await executor({ shouldProxy: proxyType(Map) })).submit('aMap');
      expect((await resolve(proxied)).get('a')).toBe(1);
      await release(proxied);
    });
  });
}

/**
 * StoreExecutor over the in-process engine (messages still go through JSON), plus what does not
 * depend on the engine: arguments checked before anything is stored, and close().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileConnector } from '../../src/connectors/file.js';
import { LocalConnector } from '../../src/connectors/local.js';
import { ClosedError } from '../../src/errors.js';
import { localEngine } from '../../src/executor/local-engine.js';
import { proxyNever, proxyType, type PolicySpec } from '../../src/executor/policy.js';
import { runTask } from '../../src/executor/tasks.js';
import { unregisterStore } from '../../src/store/registry.js';
import { StoreExecutor } from '../../src/executor/store-executor.js';
import { Store } from '../../src/store/store.js';
import { tasks } from '../fixtures/executor-tasks.js';
import { executorSuite, objectsIn } from './executor-suite.js';

executorSuite('the in-process engine', { engine: async () => localEngine(tasks) });

describe('StoreExecutor, whatever the engine', () => {
  // A by-value argument JSON would mangle is refused before anything is stored or sent, naming the argument, the task and the fix.
  it('refuses arguments that cannot travel by value, storing nothing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'proxymesh-executor-'));
    await using store = new Store('executor-arguments', new FileConnector({ directory }));
    const executor = new StoreExecutor<typeof tasks>(localEngine(tasks), store, { shouldProxy: proxyType('string'), closeStore: false });
    await expect(executor.submit('inspect', 'proxied', new Map())).rejects.toThrow(
      'Argument 1 of task "inspect" is a Map, which cannot travel by value as JSON: have the executor\'s shouldProxy policy select it (e.g. proxyType or proxyLargerThan), or pass JSON.',
    );
    await expect(executor.submit('inspect', { rows: [new Uint8Array(1)] })).rejects.toThrow(/Argument 0 of task "inspect" is a Uint8Array at rows\[0\]/);
    expect(await objectsIn(directory)).toBe(0);
    await rm(directory, { recursive: true, force: true });
  });

  // ProxyStore's test_function_wrapper: the worker side alone runs a task from its message, proxying the result only when the policy says so.
  it('runs a task from its message on the worker side', async () => {
    await using store = new Store('executor-run-task', new LocalConnector(), { register: true });
    const message = (proxyResult: PolicySpec) => ({ args: [2, 3], store: store.config(), proxyResult, ownership: false });
    expect(await runTask(tasks, 'power', message({ kind: 'never' }))).toEqual({ result: 8 });
    const { result } = await runTask(tasks, 'power', message({ kind: 'always' }));
    expect(result).toMatchObject({ $proxymesh: 'proxy', store: null });
    expect(await store.get((result as { key: never }).key)).toBe(8);
    unregisterStore(store);
  });

  // map runs one task per element (the shortest iterable sets the count), rejects with a failure only once every call settled, and evicts every call's inputs.
  it('maps a task over iterables and evicts every input, failures included', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'proxymesh-executor-'));
    await using store = new Store('executor-map', new FileConnector({ directory }), { register: true });
    const executor = new StoreExecutor<typeof tasks>(localEngine(tasks), store, { shouldProxy: proxyType('string'), ownership: false, closeStore: false });
    expect(await executor.map('power', [1, 2, 3], [3, 2])).toEqual([1, 4]);
    expect((await executor.map('concat', ['a', 'b'], [1, 2])).map(String)).toEqual(['a-1', 'b-2']);
    await expect(executor.map('fail', ['x', 'y'])).rejects.toThrow(/^Task "fail" failed: the task failed on purpose: x/);
    // Only the two concat results remain: every proxied input is gone.
    expect(await objectsIn(directory)).toBe(2);
    await rm(directory, { recursive: true, force: true });
  });

  // close() ends the engine and, by default, the store; closeStore: false leaves the store open; both are idempotent.
  it('closes the engine and the store', async () => {
    let engineClosed = 0;
    const engine = { ...localEngine(tasks), close: async () => void (engineClosed += 1) };
    const kept = new Store('executor-kept', new FileConnector({ directory: await mkdtemp(join(tmpdir(), 'proxymesh-executor-')) }));
    const first = new StoreExecutor(engine, kept, { closeStore: false, shouldProxy: proxyNever() });
    await first.close();
    await first.close();
    expect(engineClosed).toBe(1);
    await expect(kept.put('still open')).resolves.toBeDefined();
    {
      await using owning = new StoreExecutor(engine, kept);
      expect(owning.closeStore).toBe(true);
    }
    expect(engineClosed).toBe(2);
    await expect(kept.put('closed')).rejects.toBeInstanceOf(ClosedError);
    await rm((kept.connector as FileConnector).directory, { recursive: true, force: true });
  });
});

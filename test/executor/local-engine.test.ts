/**
 * StoreExecutor over the in-process engine (messages still go through JSON), plus what does not
 * depend on the engine: arguments checked before anything is stored, and close().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileConnector } from '../../src/connectors/file.js';
import { ClosedError } from '../../src/errors.js';
import { localEngine } from '../../src/executor/local-engine.js';
import { proxyNever, proxyType } from '../../src/executor/policy.js';
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

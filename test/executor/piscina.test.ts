/**
 * StoreExecutor over piscina: tasks on worker threads, which rebuild the FileConnector store
 * from the config each task carries (no store is registered there), plus what is piscina's own:
 * a TypeScript worker module loads, and close() ends the pool.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connectors/local.js';
import type { TaskEngine } from '../../src/executor/engine.js';
import { piscinaEngine } from '../../src/executor/piscina.js';
import { StoreExecutor } from '../../src/executor/store-executor.js';
import { Store } from '../../src/store/store.js';
import type { tasks } from '../fixtures/executor-tasks.js';
import { executorSuite } from './executor-suite.js';

const filename = fileURLToPath(new URL('../fixtures/executor-piscina-worker.ts', import.meta.url));

// One pool for the suite (threads take a while to load TypeScript); each test's executor leaves it open.
let shared: TaskEngine | undefined;
executorSuite('piscina', {
  before: async () => void (shared = await piscinaEngine({ filename, maxThreads: 2, minThreads: 2 })),
  engine: async () => ({ run: (name, message) => shared!.run(name, message), close: async () => {} }),
  after: async () => shared?.close(),
});

describe('piscina engine', () => {
  // A worker module given as a URL to TypeScript loads; after close() the pool is destroyed (it refuses tasks) and the executor refuses new ones, naming the task.
  it('destroys its pool on close', async () => {
    const engine = await piscinaEngine({ filename: new URL('../fixtures/executor-piscina-worker.ts', import.meta.url), maxThreads: 1 });
    await using store = new Store('piscina-close', new LocalConnector());
    const executor = new StoreExecutor<typeof tasks>(engine, store, { closeStore: false });
    expect(await executor.submit('power', 3)).toBe(9);
    await executor.close();
    await expect(engine.run('power', { args: [3], store: store.config(), proxyResult: { kind: 'never' }, ownership: false })).rejects.toThrow('The piscina engine is closed, so task "power" cannot run: make a new engine.');
    await expect(executor.submit('power', 3)).rejects.toThrow('This StoreExecutor is closed, so task "power" was not submitted: make a new executor.');
  });
});

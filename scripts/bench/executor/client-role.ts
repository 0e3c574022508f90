/**
 * The client process of the executor group: a StoreExecutor over BullMQ whose store is an
 * embedded mesh peer. `run {mode, size, tasks}` submits the tasks at once and answers the
 * seconds from the first submit to every result held (and checked) here.
 * @module
 */
import { MeshConnector } from '../../../src/connectors/mesh.js';
import { bullmqEngine } from '../../../src/executor/bullmq.js';
import { proxyLargerThan, proxyNever } from '../../../src/executor/policy.js';
import { StoreExecutor } from '../../../src/executor/store-executor.js';
import { release } from '../../../src/store/ownership/owned.js';
import { resolve } from '../../../src/proxy/control.js';
import { Store } from '../../../src/store/store.js';
import { num, serve, str } from '../lib/serve.js';
import { increment, type tasks } from './tasks.js';
import type { ExecutorRoleArgs } from './types.js';

const args = JSON.parse(process.argv[2] ?? '{}') as ExecutorRoleArgs;
const connector = new MeshConnector();
const store = new Store(args.store, connector, { register: true });
const engine = await bullmqEngine({ queue: args.queue, connection: { host: '127.0.0.1', port: args.redisPort } });
const executors = {
  proxy: new StoreExecutor<typeof tasks>(engine, store, { shouldProxy: proxyLargerThan(64 * 1024) }),
  value: new StoreExecutor<typeof tasks>(engine, store, { shouldProxy: proxyNever() }),
};

/** One task, to the result held here as bytes. */
async function one(mode: 'proxy' | 'value', input: Buffer): Promise<Uint8Array> {
  if (mode === 'value') return Buffer.from(await executors.value.submit('incrementText', input.toString('base64')), 'base64');
  const result = await executors.proxy.submit('increment', input);
  const bytes = await resolve(result);
  await release(result);
  return bytes;
}

await serve(
  {
    run: async (a) => {
      const mode = str(a, 'mode') as 'proxy' | 'value';
      const inputs = Array.from({ length: num(a, 'tasks') }, (_, i) => Buffer.alloc(num(a, 'size'), i));
      const started = performance.now();
      const results = await Promise.all(inputs.map((input) => one(mode, input)));
      const seconds = (performance.now() - started) / 1000;
      const wrong = results.findIndex((r, i) => !Buffer.from(r).equals(increment(inputs[i]!)));
      if (wrong >= 0) throw new Error(`task ${wrong} in ${mode} mode returned the wrong bytes`);
      return { seconds, objectsLeft: (await connector.stats()).objects };
    },
  },
  async () => {
    await connector.ownerAddress();
    return null;
  },
);

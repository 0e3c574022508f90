/**
 * A BullMQ worker process of the executor group: a store on its own embedded mesh peer (the
 * results it proxies stay here until the client releases them), registered under the client's
 * store name, and a worker running the bench's tasks.
 * @module
 */
import { MeshConnector } from '../../../src/connectors/mesh.js';
import { bullmqWorker } from '../../../src/executor/bullmq-worker.js';
import { Store } from '../../../src/store/store.js';
import { serve } from '../lib/serve.js';
import { tasks } from './tasks.js';
import type { ExecutorRoleArgs } from './types.js';

const args = JSON.parse(process.argv[2] ?? '{}') as ExecutorRoleArgs;

await serve({}, async () => {
  const connector = new MeshConnector();
  void new Store(args.store, connector, { register: true });
  await connector.ownerAddress();
  await bullmqWorker(tasks, { queue: args.queue, connection: { host: '127.0.0.1', port: args.redisPort } });
  return null;
});

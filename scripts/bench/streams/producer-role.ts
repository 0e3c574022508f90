/**
 * The producer process of one shim: a store on its own embedded mesh peer (objects stay here)
 * and a StreamProducer with two topics, one whose objects go into that store (`proxy`) and one
 * that carries them by value. Commands from the orchestrator over IPC: `burst` sends `count`
 * objects back to back, `one` sends one (the latency run). Each event carries its send time.
 * @module
 */
import { MeshConnector } from '../../../src/connectors/mesh.js';
import { Store } from '../../../src/store/store.js';
import { registerStore } from '../../../src/store/registry.js';
import { StreamProducer } from '../../../src/stream/producer.js';
import { nowUs } from '../lib/stats.js';
import { openPublisher } from './shims.js';
import type { StreamMode, StreamRoleArgs } from './types.js';

const args = JSON.parse(process.argv[2] ?? '{}') as StreamRoleArgs;
const connector = new MeshConnector({ thread: 'main' });
const store = new Store(`bench-streams-${process.pid}`, connector);
registerStore(store);
const peer = await connector.ownerAddress();
const producer = new StreamProducer<Uint8Array>(openPublisher(args, peer), { stores: { [args.topics.proxy]: store, [args.topics.value]: null } });

type Command = { id: number; op: 'burst' | 'one' | 'close'; args: { mode: StreamMode; size: number; count?: number } };

process.on('message', (message: Command) => {
  const { id, op, args: a } = message;
  const run = async (): Promise<unknown> => {
    if (op === 'close') {
      await producer.close({ topics: [args.topics.proxy, args.topics.value], stores: true });
      return null;
    }
    const object = new Uint8Array(a.size).fill(7);
    const topic = args.topics[a.mode];
    for (let i = 0; i < (op === 'burst' ? (a.count ?? 1) : 1); i++) await producer.send(topic, object, { metadata: { t: nowUs() } });
    return null;
  };
  run().then(
    (value) => process.send?.({ kind: 'reply', id, ok: true, value }),
    (error: unknown) => process.send?.({ kind: 'reply', id, ok: false, error: String(error) }),
  );
});
process.send?.({ kind: 'ready', info: { peer } });

/**
 * The consumer process of one shim: a StreamConsumer per topic (proxy and value) that reads every
 * object it gets (a key's bytes come from the producer's peer, as a proxy's would, and are
 * evicted there) and reports, per event, when it was sent and when the consumer held the object.
 * `take` reads the next `count` objects of one topic and answers their timings.
 * @module
 */
import { StreamConsumer } from '../../../src/stream/consumer.js';
import { nowUs } from '../lib/stats.js';
import { openSubscriber } from './shims.js';
import type { StreamMode, StreamRoleArgs } from './types.js';

const args = JSON.parse(process.argv[2] ?? '{}') as StreamRoleArgs;
const consumers = {
  proxy: new StreamConsumer<Uint8Array>(await openSubscriber(args, args.topics.proxy)),
  value: new StreamConsumer<Uint8Array>(await openSubscriber(args, args.topics.value)),
};
const events = { proxy: consumers.proxy.iterObjectsWithMetadata(), value: consumers.value.iterObjectsWithMetadata() };

type Command = { id: number; op: 'take' | 'close'; args: { mode: StreamMode; size: number; count?: number } };

process.on('message', (message: Command) => {
  const { id, op, args: a } = message;
  const run = async (): Promise<unknown> => {
    if (op === 'close') {
      await Promise.all([consumers.proxy.close({ stores: true }), consumers.value.close()]);
      return null;
    }
    const timings: { sent: number; held: number }[] = [];
    for (let i = 0; i < (a.count ?? 1); i++) {
      const next = await events[a.mode].next();
      if (next.done === true) throw new Error(`the ${a.mode} stream ended after ${i} of ${a.count ?? 1} events`);
      const [metadata, bytes] = next.value;
      if (bytes.byteLength !== a.size) throw new Error(`an object of ${bytes.byteLength} bytes arrived; ${a.size} were sent`);
      timings.push({ sent: metadata.t as number, held: nowUs() });
    }
    return timings;
  };
  run().then(
    (value) => process.send?.({ kind: 'reply', id, ok: true, value }),
    (error: unknown) => process.send?.({ kind: 'reply', id, ok: false, error: String(error) }),
  );
});
process.send?.({ kind: 'ready', info: {} });

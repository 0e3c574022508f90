/**
 * A futures process (argv: proxymesh peer address, Redis port, optionally the bare grpc-js
 * baseline's port for `echo`, a unary echo timed in the same process and cadence): it makes and sets deferred keys
 * (the producer) or waits for them (a consumer), either by proxymesh's push `awaitKey` or by
 * polling Redis as ProxyStore's futures do (`exists` every interval, then `get`). Times are
 * monotonic microseconds, comparable across processes, taken right around the calls.
 * `await` waits through `MeshConnector.awaitKey` (a process's waiters on a key share one Await
 * stream), or with `raw` through one `PeerClient.await` stream per waiter, to price a stream.
 * Keys come from the peer process, or with `own` from this process's own embedded peer (on its
 * worker thread, the default), the mesh's peer-to-peer layout: the producer owns its futures.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, credentials } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { TRANSFER_CHANNEL_OPTIONS } from '../../../src/mesh/channel-options.js';
import { unary } from '../drivers/grpc.js';
import { RAW_SERVICE, sizeMessage } from '../lib/raw-grpc.js';
import { MeshConnector, type MeshKey } from '../../../src/index.js';
import { ClientPool } from '../../../src/mesh/client/client-pool.js';
import { num, serve, str } from '../lib/serve.js';
import { sourceBytes } from '../lib/source.js';
import { nowUs, quantile } from '../lib/stats.js';

const [peer, redisPort, echoPort] = process.argv.slice(2);
const mesh = new MeshConnector({ peer: peer ?? '' });
// Embedded: the keys it makes are owned by this process, which serves them to waiters elsewhere.
const own = new MeshConnector();
const redis = new Redis({ port: Number(redisPort), host: '127.0.0.1' });
// Raw clients, below MeshConnector's shared waits: one Await stream per call.
const raw = new ClientPool({ timeoutMs: 30_000, transferTimeoutMs: 600_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 30 });
const POLL_LIMIT_MS = 30_000;

let echoClient: Client | undefined;

/** The waits started by the last `await`/`poll`, each resolving with its wake time. */
let waits: Promise<number>[] = [];

async function pollRedis(key: string, intervalMs: number): Promise<number> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  while (Date.now() < deadline) {
    if ((await redis.exists(key)) === 1) {
      await redis.getBuffer(key);
      return nowUs();
    }
    await sleep(intervalMs);
  }
  throw new Error(`polling ${key} found nothing in ${POLL_LIMIT_MS} ms`);
}

await serve({
  newKey: async (args) => (args.own === true ? own : mesh).newKey(),
  ownStats: async () => own.stats(),
  await: async (args) => {
    const key = args.key as MeshKey;
    const count = num(args, 'count', 1);
    const wait = args.raw === true ? () => raw.client(key.peer).await(key, { timeoutMs: 120_000 }) : () => mesh.awaitKey(key, { timeoutMs: 120_000 });
    waits = Array.from({ length: count }, () => wait().then(() => nowUs()));
    return waits.length;
  },
  poll: async (args) => {
    waits = [pollRedis(str(args, 'key'), num(args, 'intervalMs'))];
    return 1;
  },
  collect: async () => {
    const times = await Promise.all(waits);
    waits = [];
    return { count: times.length, firstUs: Math.min(...times), p50Us: quantile(times, 0.5), lastUs: Math.max(...times) };
  },
  set: async (args) => {
    const payload = { codec: 'bytes', data: sourceBytes(num(args, 'size')) };
    const t0 = nowUs();
    await (args.own === true ? own : mesh).set(args.key as MeshKey, payload);
    return t0;
  },
  redisSet: async (args) => {
    const data = sourceBytes(num(args, 'size'));
    const t0 = nowUs();
    await redis.set(str(args, 'key'), data);
    return t0;
  },
  echo: async (args) => {
    if (echoPort === undefined) throw new Error('this futures process was started without the grpc-js baseline port');
    echoClient ??= new Client(`127.0.0.1:${echoPort}`, credentials.createInsecure(), TRANSFER_CHANNEL_OPTIONS);
    const t0 = nowUs();
    await unary(echoClient, RAW_SERVICE.fetch.path, sizeMessage(num(args, 'size')));
    return nowUs() - t0;
  },
  evict: async (args) => (args.own === true ? own : mesh).evict(args.key as MeshKey),
  close: async () => {
    await Promise.all([mesh.close(), own.close()]);
    raw.close();
    echoClient?.close();
    redis.disconnect();
  },
});

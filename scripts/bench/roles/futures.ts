/**
 * A futures process (argv: proxymesh peer address, Redis port): it makes and sets deferred keys
 * (the producer) or waits for them (a consumer), either by proxymesh's push `awaitKey` or by
 * polling Redis as ProxyStore's futures do (`exists` every interval, then `get`). Times are
 * monotonic microseconds, comparable across processes, taken right around the calls.
 * `await` with `coalesce` prototypes one shared Await stream per process and key.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { MeshConnector, type MeshKey } from '../../../src/index.js';
import { num, serve, str } from '../lib/serve.js';
import { sourceBytes } from '../lib/source.js';
import { nowUs, quantile } from '../lib/stats.js';

const [peer, redisPort] = process.argv.slice(2);
const mesh = new MeshConnector({ peer: peer ?? '' });
const redis = new Redis({ port: Number(redisPort), host: '127.0.0.1' });
const POLL_LIMIT_MS = 30_000;

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
  newKey: async () => mesh.newKey(),
  await: async (args) => {
    const key = args.key as MeshKey;
    const count = num(args, 'count', 1);
    if (args.coalesce === true) {
      // Prototype: every waiter of this process shares one Await stream.
      const shared = mesh.awaitKey(key, { timeoutMs: 120_000 });
      waits = Array.from({ length: count }, () => shared.then(() => nowUs()));
    } else {
      waits = Array.from({ length: count }, () => mesh.awaitKey(key, { timeoutMs: 120_000 }).then(() => nowUs()));
    }
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
    await mesh.set(args.key as MeshKey, payload);
    return t0;
  },
  redisSet: async (args) => {
    const data = sourceBytes(num(args, 'size'));
    const t0 = nowUs();
    await redis.set(str(args, 'key'), data);
    return t0;
  },
  evict: async (args) => mesh.evict(args.key as MeshKey),
  close: async () => {
    await mesh.close();
    redis.disconnect();
  },
});

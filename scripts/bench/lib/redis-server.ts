/**
 * A `redis-server` of our own on a free loopback port, without persistence, with limits raised
 * so 1 GiB values fit (`proto-max-bulk-len`, `client-query-buffer-limit`), and no output limit
 * for pub/sub subscribers: with Redis's default (`pubsub 32mb 8mb 60`) a burst of 200 values of
 * 1 MiB published by value disconnected the streams group's subscriber, whose lost events left
 * the by-value baseline waiting for its 300 s bound (Tuning §27).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  readonly version: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function ready(port: number, child: ChildProcess): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}) on port ${port}`);
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      const info = await redis.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } catch {
      await sleep(50);
    } finally {
      redis.disconnect();
    }
  }
  throw new Error(`redis-server did not answer on port ${port} within 5 s`);
}

/** Starts redis-server; throws with advice when it is not installed. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--proto-max-bulk-len', '2gb', '--client-query-buffer-limit', '2gb', '--client-output-buffer-limit', 'pubsub 0 0 0', '--loglevel', 'warning'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${e.message}`))));
  const version = await Promise.race([ready(port, child), failed]);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    version,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(3_000).then(() => void child.kill('SIGKILL'))]);
    },
  };
}

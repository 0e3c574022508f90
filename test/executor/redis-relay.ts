/**
 * A Unix-socket relay to the test redis-server that counts the bytes it forwards. Processes in
 * network namespaces reach it through the file system (the namespaces share it), since the
 * server listens on this namespace's loopback only; and every byte Redis receives from them
 * passes here, so the count is exactly what the workflow sent to Redis, whatever else uses the
 * shared server meanwhile.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running relay. */
export interface RedisRelay {
  /** The socket path: ioredis `{ path }`. */
  readonly path: string;
  /** Bytes sent to Redis through the relay so far. */
  toRedis(): number;
  /** Bytes Redis sent back through the relay so far. */
  fromRedis(): number;
  close(): Promise<void>;
}

export async function startRedisRelay(redisUrl: string): Promise<RedisRelay> {
  const { hostname, port } = new URL(redisUrl);
  const dir = await mkdtemp(join(tmpdir(), 'proxymesh-relay-'));
  const path = join(dir, 'redis.sock');
  let up = 0;
  let down = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => [client, upstream].forEach((t) => t.destroy()));
    }
    client.on('data', (chunk: Buffer) => (up += chunk.length));
    upstream.on('data', (chunk: Buffer) => (down += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  return {
    path,
    toRedis: () => up,
    fromRedis: () => down,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

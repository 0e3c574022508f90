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
  /** Bytes sent to Redis so far by command (a script call by its sha's first 8 characters). */
  byCommand(): Map<string, number>;
  close(): Promise<void>;
}

export async function startRedisRelay(redisUrl: string): Promise<RedisRelay> {
  const { hostname, port } = new URL(redisUrl);
  const dir = await mkdtemp(join(tmpdir(), 'proxymesh-relay-'));
  const path = join(dir, 'redis.sock');
  let up = 0;
  let down = 0;
  const sockets = new Set<Socket>();
  const commands = new Map<string, number>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => [client, upstream].forEach((t) => t.destroy()));
    }
    const parse = commandParser((name, bytes) => commands.set(name, (commands.get(name) ?? 0) + bytes));
    client.on('data', (chunk: Buffer) => {
      up += chunk.length;
      parse(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (down += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  return {
    path,
    toRedis: () => up,
    fromRedis: () => down,
    byCommand: () => new Map(commands),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Splits a client's byte stream into RESP commands (arrays of bulk strings, which is all a
 * client sends) and reports each one's name and size.
 */
function commandParser(report: (name: string, bytes: number) => void): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  const line = (at: number): { text: string; next: number } | undefined => {
    const end = buffer.indexOf('\r\n', at);
    return end < 0 ? undefined : { text: buffer.toString('latin1', at, end), next: end + 2 };
  };
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const head = line(0);
      if (head === undefined || !head.text.startsWith('*')) return;
      let at = head.next;
      const args: Buffer[] = [];
      for (let i = 0; i < Number(head.text.slice(1)); i += 1) {
        const size = line(at);
        if (size === undefined) return;
        const length = Number(size.text.slice(1));
        if (buffer.length < size.next + length + 2) return;
        args.push(buffer.subarray(size.next, size.next + length));
        at = size.next + length + 2;
      }
      const name = args[0]?.toString('latin1').toLowerCase() ?? '';
      report(name === 'evalsha' ? `evalsha ${args[1]?.toString('latin1').slice(0, 8)}` : name, at);
      buffer = buffer.subarray(at);
    }
  };
}

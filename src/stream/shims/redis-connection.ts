/**
 * How the Redis shims reach their server: one ioredis connection each (loaded on first use, as
 * the Redis connector does), from a URL.
 * @module
 */
import type { Redis } from 'ioredis';
import { loadIoredis } from '../../connectors/redis-module.js';
import { log } from '../../log.js';

/** Where a Redis shim connects: `redis://[user:password@]host:port[/db]` (or `rediss://`). */
export type RedisTarget = string;

/** A new connection to `target`; its errors are logged (ioredis reconnects by itself). */
export function connectRedis(target: RedisTarget, name: string): Redis {
  const { Redis: Client } = loadIoredis();
  const client = new Client(target, { connectionName: name });
  client.on('error', (error: Error) => log.debug('redis stream connection error', { name, error }));
  return client;
}

/** Closes a connection without waiting for the server (a blocked read would hold `quit` back). */
export function disconnectRedis(client: Redis): void {
  client.disconnect();
}

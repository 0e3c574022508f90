/**
 * The Lua scripts that make `RedisConnector`'s deferred keys atomic: each runs as one step on
 * the server, so the check, the write and the notification cannot be interleaved with another
 * client's. Both take one key (`KEYS[1]`) and so also work on a Redis Cluster.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script and its SHA-1, for EVALSHA. */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** What `SET_ONCE` returns. */
export const SetOnceResult = { set: 0, exists: 1, missing: 2 } as const;

/**
 * Write-once set: only a pending marker (the empty string) may be replaced, then the key's
 * channel hears `set`. `ARGV[1]` is the encoded value, `ARGV[2]` the channel. The value passes
 * through Lua, so the server briefly holds it two or three times; plain `put()` uses SET.
 * (WATCH/MULTI would avoid that but needs a connection of its own per set.)
 */
export const SET_ONCE = script(`
if redis.call('STRLEN', KEYS[1]) > 0 then return 1 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 2 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], 'set')
return 0
`);

/**
 * Eviction: deletes the key (UNLINK frees big values off the main thread) and, when it was a
 * pending deferred key, tells its waiters on the channel `ARGV[1]` that it is gone.
 */
export const EVICT = script(`
local pending = redis.call('EXISTS', KEYS[1]) == 1 and redis.call('STRLEN', KEYS[1]) == 0
redis.call('UNLINK', KEYS[1])
if pending then redis.call('PUBLISH', ARGV[1], 'evicted') end
return 0
`);

/** Runs a script by its SHA, loading it first if the server does not know it (yet, or after a restart). */
export async function runScript(client: Redis, s: Script, key: string, args: readonly (string | Buffer)[]): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, 1, key, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.eval(s.lua, 1, key, ...args);
  }
}

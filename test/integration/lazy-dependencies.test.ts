/**
 * What a process pays for importing proxymesh: ioredis and the gRPC reflection module are
 * loaded only when used (a RedisConnector, a reflection call), not by every peer (~6 MB of heap
 * together, which each full GC would mark). Run in a fresh process, whose module cache shows
 * what was loaded.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const SCRIPT = `
import { createRequire } from 'node:module';
import { Peer, RedisConnector } from './src/index.ts';
const loaded = (name) => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/' + name + '/'));
const peer = await Peer.start();
const afterPeer = { ioredis: loaded('ioredis'), reflection: loaded('nice-grpc-server-reflection') };
await peer.close();
// Port 1: nothing listens there; the connector only has to be made, and is closed at once.
const redis = new RedisConnector({ host: '127.0.0.1', port: 1 });
const afterRedis = { ioredis: loaded('ioredis') };
await redis.close();
console.log(JSON.stringify({ afterPeer, afterRedis }));
`;

describe('dependencies loaded on first use', () => {
  it('starts a peer without loading ioredis or the reflection module, and loads ioredis for a RedisConnector', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: process.cwd(), timeout: 30_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({ afterPeer: { ioredis: false, reflection: false }, afterRedis: { ioredis: true } });
  });
});

/**
 * What a process pays for importing proxymesh: each role loads only what it uses. ioredis and
 * the gRPC reflection module load only when used; importing the package loads no gRPC at all;
 * a process that revives a proxy loads the gRPC client but no server, health, reflection, Redis
 * or CLI code. Run in fresh processes. What they loaded is the union of the CommonJS module
 * cache and the URLs a module hook saw (ESM modules, our own sources among them, are in no
 * cache a program can read).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { Store } from '../../src/store/store.js';

// Records every module URL the ESM loader loads; the child reads them at the end.
const HOOK = `let port; export function initialize(data) { port = data.port; } export async function load(url, context, next) { port.postMessage(url); return next(url, context); }`;

const PRELUDE = `
import { createRequire, register } from 'node:module';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
port1.unref();
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}), import.meta.url, { data: { port: port2 }, transferList: [port2] });
const urls = [];
const modules = () => {
  for (let m; (m = receiveMessageOnPort(port1)); ) urls.push(m.message);
  return [...urls, ...Object.keys(createRequire(import.meta.url).cache)];
};
const loaded = (...parts) => Object.fromEntries(parts.map((part) => [part, modules().some((m) => m.includes(part))]));
`;

/** What a role must not load, and grpc-js, which tells whether the client was loaded at all. */
const WATCHED = [
  '/node_modules/@grpc/grpc-js/',
  '/node_modules/ioredis/',
  '/node_modules/nice-grpc-server-reflection/',
  '/node_modules/nice-grpc-server-health/',
  '/node_modules/commander/',
  '/src/mesh/server/peer-server.',
  '/src/mesh/server/peer-service.',
  '/src/mesh/server/health.',
  '/src/mesh/server/reflection.',
];

const none = Object.fromEntries(WATCHED.map((part) => [part, false]));

async function run(script: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PRELUDE + script, '--', ...args], { cwd: process.cwd(), timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
}

describe('dependencies loaded on first use', () => {
  let owner: Store;
  let reference: string;
  let another: string;
  // The same, from an owner whose readers cannot read its files (as on another host).
  let remote: Store;
  let remoteReference: string;
  let remoteAnother: string;

  beforeAll(async () => {
    owner = new Store('lazy-dependencies', new MeshConnector({ thread: 'main' }));
    reference = JSON.stringify(await owner.proxy([1, 2, 3]));
    another = JSON.stringify(await owner.proxy([4, 5]));
    remote = new Store('lazy-dependencies-remote', new MeshConnector({ thread: 'main', sharedMemory: false }));
    remoteReference = JSON.stringify(await remote.proxy([1, 2, 3]));
    remoteAnother = JSON.stringify(await remote.proxy([4, 5]));
  });
  afterAll(async () => {
    await owner.close();
    await remote.close();
  });

  it('starts a peer without loading ioredis or the reflection module, and loads ioredis for a RedisConnector', async () => {
    const out = await run(`
      const { Peer, RedisConnector } = await import('./src/index.ts');
      const peer = await Peer.start();
      const afterPeer = loaded('/node_modules/ioredis/', '/node_modules/nice-grpc-server-reflection/');
      await peer.close();
      // Port 1: nothing listens there; the connector only has to be made, and is closed at once.
      const redis = new RedisConnector({ host: '127.0.0.1', port: 1 });
      const afterRedis = loaded('/node_modules/ioredis/');
      await redis.close();
      console.log(JSON.stringify({ afterPeer, afterRedis }));
    `);
    expect(out).toEqual({
      afterPeer: { '/node_modules/ioredis/': false, '/node_modules/nice-grpc-server-reflection/': false },
      afterRedis: { '/node_modules/ioredis/': true },
    });
  });

  const USE = `
      const { resolve, reviver } = await import('./src/index.ts');
      const { bridgeRunning } = await import('./src/store/blocking.ts');
      const afterImport = loaded(...${JSON.stringify(WATCHED)});
      const proxy = JSON.parse(process.argv.at(-2), reviver);
      const used = proxy.length;
      const afterSyncUse = loaded(...${JSON.stringify(WATCHED)});
      const bridge = bridgeRunning();
      const other = JSON.parse(process.argv.at(-1), reviver);
      const awaited = (await resolve(other)).length;
      const afterAsyncUse = loaded(...${JSON.stringify(WATCHED)});
      console.log(JSON.stringify({ used, awaited, bridge, afterImport, afterSyncUse, afterAsyncUse }));
    `;

  // The owner runs on this host: both uses read its files (host reads), so the process loads no
  // gRPC and starts no bridge thread at all.
  it('imports, and revives and uses proxies of an owner on this host, without loading gRPC or starting the bridge', async () => {
    const out = await run(USE, reference, another);
    expect(out).toEqual({ used: 3, awaited: 2, bridge: false, afterImport: none, afterSyncUse: none, afterAsyncUse: none });
  });

  // The owner's files cannot be read (as from another host): the proxy's first synchronous use
  // fetches on the bridge's worker thread, so this thread loads no gRPC at all; awaiting a proxy
  // of another object fetches here, loading the client alone.
  it('imports, and revives and uses proxies of an owner elsewhere, without loading server, health, reflection, Redis or CLI code', async () => {
    const out = await run(USE, remoteReference, remoteAnother);
    expect(out).toEqual({ used: 3, awaited: 2, bridge: true, afterImport: none, afterSyncUse: none, afterAsyncUse: { ...none, '/node_modules/@grpc/grpc-js/': true } });
  });

  it('never loads grpc-js in a process that does not use the mesh', async () => {
    const out = await run(`
      const { LocalConnector, Store, FileConnector } = await import('./src/index.ts');
      const store = new Store('local-only', new LocalConnector());
      const proxy = await store.proxy({ rows: [1, 2] });
      const rows = proxy.rows.length;
      await store.close();
      console.log(JSON.stringify({ rows, typeofFile: typeof FileConnector, ...loaded('/node_modules/@grpc/grpc-js/', '/node_modules/@bufbuild/protobuf/', '/node_modules/nice-grpc-common/') }));
    `);
    expect(out).toEqual({ rows: 2, typeofFile: 'function', '/node_modules/@grpc/grpc-js/': false, '/node_modules/@bufbuild/protobuf/': false, '/node_modules/nice-grpc-common/': false });
  });
});

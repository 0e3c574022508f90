/**
 * What one pending server stream costs a server, layer by layer (BENCHMARKS.md §8): bare grpc-js,
 * the peer's handler adapter with a wait in an object table, and the real peer's `Await`.
 * Each layer runs in a fresh server process that measures its own heap+external and RSS after
 * a full GC, before and after a client process opens N streams that stay pending.
 *
 *   node --expose-gc --import tsx scripts/bench/stream-cost.ts [streams=3000]
 *
 * Internal modes: `serve <layer> <streams>` (a server), `client <address> <streams> <layer>`.
 * @module
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { ObjectTable } from '../../src/core/object-table.js';
import { CONTROL_CHANNEL_OPTIONS, SERVER_OPTIONS } from '../../src/mesh/channel-options.js';
import { ClientPool } from '../../src/mesh/client/client-pool.js';
import { Peer } from '../../src/mesh/server/peer.js';
import { OPEN, cancelSignal, serverStreamingCall } from '../../src/mesh/server/grpc-handlers.js';
import { memoryNow } from './lib/memory.js';

const LAYERS = ['grpc-js', 'grpc-js + handler adapter + table wait', 'peer Await'] as const;
type Layer = (typeof LAYERS)[number];

const self = fileURLToPath(import.meta.url);
const identity = (b: Buffer): Buffer => b;
const PATH = '/bench.Pending/Wait';
const grpcWait = { wait: { path: PATH, requestStream: false, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } } satisfies grpc.ServiceDefinition;

/** Binds a server on a free loopback port. */
const bind = (server: grpc.Server): Promise<number> =>
  new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));

/** Starts one layer's server; `pending()` counts the streams it holds. Returns its address. */
async function startLayer(layer: Layer): Promise<{ address: string; pending(): number }> {
  let pending = 0;
  if (layer === 'grpc-js') {
    const server = new grpc.Server(SERVER_OPTIONS);
    server.addService(grpcWait, {
      wait: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
        pending++;
        call.on('cancelled', () => pending--);
      },
    });
    return { address: `127.0.0.1:${await bind(server)}`, pending: () => pending };
  }
  if (layer === 'peer Await') {
    const peer = await Peer.start({ listen: '127.0.0.1:0' });
    return { address: peer.address, pending: () => peer.stats().waiters };
  }
  const table = new ObjectTable();
  const id = table.newKey();
  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(grpcWait, {
    wait: serverStreamingCall<Buffer, Buffer>(OPEN, 'Wait', async (_request, call) => {
      pending++;
      try {
        await table.wait(id, cancelSignal(call)).catch(() => undefined);
      } finally {
        pending--;
      }
      return [Buffer.alloc(0)];
    }),
  });
  return { address: `127.0.0.1:${await bind(server)}`, pending: () => pending };
}

/** A client process: opens `n` streams when told to on stdin, and keeps them open. */
async function client(address: string, n: number, layer: Layer): Promise<void> {
  let open: () => void;
  if (layer === 'peer Await') {
    const peer = new ClientPool({ timeoutMs: 30_000, transferTimeoutMs: 60_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 20 }).client(address);
    const { key } = await peer.newKey();
    await peer.exists(key);
    open = () => {
      for (let i = 0; i < n; i++) peer.await(key).catch(() => undefined);
    };
  } else {
    const raw = new grpc.Client(address, grpc.credentials.createInsecure(), CONTROL_CHANNEL_OPTIONS);
    await new Promise<void>((resolve, reject) => raw.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve())));
    open = () => {
      for (let i = 0; i < n; i++) raw.makeServerStreamRequest(PATH, identity, identity, Buffer.alloc(0)).on('error', () => undefined);
    };
  }
  process.stdout.write('connected\n');
  process.stdin.once('data', open);
}

/** A server process: measures itself around the client's streams and prints one JSON line. */
async function serve(layer: Layer, n: number): Promise<void> {
  const server = await startLayer(layer);
  const child = spawn(process.execPath, ['--import', 'tsx', self, 'client', server.address, String(n), layer], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => createInterface({ input: child.stdout }).once('line', () => resolve()));
  const before = memoryNow();
  child.stdin.write('go\n');
  while (server.pending() < n) await new Promise((r) => setTimeout(r, 20));
  const after = memoryNow();
  child.kill('SIGKILL');
  const heap = (after.heapUsed + after.external - before.heapUsed - before.external) / n;
  process.stdout.write(`${JSON.stringify({ layer, heap, rss: (after.rss - before.rss) / n })}\n`);
  process.exit(0);
}

async function main(n: number): Promise<void> {
  process.stdout.write(`| layer | heap+external per pending stream | RSS per pending stream |\n| --- | --- | --- |\n`);
  for (const layer of LAYERS) {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, 'serve', layer, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const r = JSON.parse(line) as { heap: number; rss: number };
    process.stdout.write(`| ${layer} | ${r.heap.toFixed(0)} B | ${r.rss.toFixed(0)} B |\n`);
  }
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'serve') await serve(a as Layer, Number(b));
else if (mode === 'client') await client(a ?? '', Number(b), c as Layer);
else await main(Number(mode ?? 3000));

/**
 * The client pool among 1,000 peers: one process (this one) gets an object from each of 1,000
 * peers served by another process, with real gRPC on loopback, and the pool keeps what it holds
 * bounded: peers with an open channel stay within its limit, idle channels close, and this
 * process's file descriptors (read from /proc/self/fd) stay bounded throughout.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { patternBytes } from '../helpers/data.js';
import { waitFor } from '../helpers/wait-for.js';
import { ClientPool } from '../../src/mesh/client/client-pool.js';
import type { MeshKey } from '../../src/mesh/key.js';

const PEERS = 1_000;
const SIZE = 4 * 1024;
const LIMITS = { maxPeers: 64, idleMs: 1_000 };
// Gets in flight at once, as a task fetching its inputs would; every loop below is bounded by PEERS.
const CONCURRENCY = 32;
const SETTINGS = { timeoutMs: 30_000, transferTimeoutMs: 60_000, chunkBytes: 1024 * 1024, maxObjectBytes: 1024 * 1024, sharedFiles: false };

const fds = (): number => readdirSync('/proc/self/fd').length;

describe('the client pool among 1,000 peers', () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../fixtures/many-peers.ts', import.meta.url)), String(PEERS), String(SIZE)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const pool = new ClientPool(SETTINGS, LIMITS);

  afterAll(async () => {
    pool.close();
    child.stdin.end();
    await exited;
  });

  // Proves: every one of 1,000 peers is served with the right bytes, while peers with an open channel never exceed the limit by more than the gets in flight, descriptors stay bounded, and once idle every channel lets its connection go.
  it('serves every get with bounded channels and descriptors, and closes idle ones', async () => {
    const keys = await new Promise<MeshKey[]>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as MeshKey[]));
      void exited.then((code) => reject(new Error(`the peers' process exited (${String(code)}) before printing its keys`)));
    });
    expect(keys).toHaveLength(PEERS);
    const before = fds();
    let served = 0;
    let wrong = 0;
    let mostOpen = 0;
    let mostFds = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const i = next++;
        const got = await pool.client(keys[i]!.peer).get(keys[i]!);
        served += 1;
        if (got === undefined || !Buffer.from(got.data).equals(patternBytes(SIZE, `peer ${i}`))) wrong += 1;
        mostOpen = Math.max(mostOpen, pool.stats().openPeers);
        mostFds = Math.max(mostFds, fds());
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect({ served, wrong }).toEqual({ served: PEERS, wrong: 0 });
    expect(pool.stats().peers).toBe(PEERS);
    // A peer whose get is under way keeps its channel until the get ends.
    expect(mostOpen).toBeLessThanOrEqual(LIMITS.maxPeers + CONCURRENCY);
    // One connection per open peer (gets use the transfer channel only), and a little of Node's own.
    expect(mostFds - before).toBeLessThanOrEqual(LIMITS.maxPeers + CONCURRENCY + 16);
    console.info(`1,000 peers: ${served} gets served, at most ${mostOpen} peers open and ${mostFds - before} descriptors over the ${before} before`);

    // Idle: grpc-js closes each connection after idleMs without a call.
    await waitFor(() => fds() <= before + 2, 'the idle channels have closed their connections', 30_000);
  }, 180_000);
});

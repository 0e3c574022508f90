/**
 * Bad input: a peer alone in its process (the daemon's setup, so its memory is its own) gets more
 * than 10,000 random or malformed gRPC messages on every RPC, raw garbage on its TCP port and
 * HTTP/2 requests with broken gRPC framing. It must answer every call with a status (the
 * contract's code and a sentence for well-formed but wrong requests), never crash or hang, free
 * everything a call held, and keep serving.
 *
 * Inputs come from a seeded generator: the seed is printed, and PROXYMESH_FUZZ_SEED=<seed>
 * reruns exactly the same inputs (PROXYMESH_FUZZ_CASES changes how many).
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { NewKeyResponse, PutResponse } from '../../gen/proxymesh/v1/peer.js';
import { ClientPool } from '../../src/mesh/client/client-pool.js';
import { toMeshKey } from '../../src/mesh/key.js';
import { EventChild } from '../helpers/events.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { waitFor } from '../helpers/wait-for.js';
import { Barrage, CALL_DEADLINE_MS, runCase, type CallRecord, type Target } from './cases.js';
import { Prng } from '../../scripts/lib/prng.js';
import { RawPeerClient } from './raw-client.js';
import { brokenRequest, garbageConnection, openSession, sendGarbage, sendRequest, type ConnectionOutcome, type RequestOutcome } from './raw-net.js';
import { keyRequest, objectHeader, part } from './wire.js';

const SEED = Number(process.env.PROXYMESH_FUZZ_SEED ?? randomInt(2 ** 31));
const CASES = Number(process.env.PROXYMESH_FUZZ_CASES ?? 3_500);
const CONCURRENCY = 32;
const CONNECTIONS = 300;
const REQUESTS = 300;
/** How much the peer's resident memory may grow over the whole barrage. */
const RSS_BOUND = 200 * 1024 * 1024;

interface Report {
  memory: NodeJS.MemoryUsage;
  stats: { objects: number; bytes: number; pendingKeys: number; waiters: number };
  problems: string[];
  warnings: string[];
}

const codeName = (code: number): string => status[code] ?? String(code);

/** What is wrong with how a call ended, if anything. */
function violation(r: CallRecord): string | undefined {
  const { outcome: o, expect: e } = r;
  if (e === undefined) {
    // Random input: any status, but not a hang, nor a failure inside the peer.
    if (o.code === status.DEADLINE_EXCEEDED) return 'no status before the deadline: the call hung';
    if (o.code === status.UNKNOWN) return `UNKNOWN: ${o.details}`;
    if (o.code === status.INTERNAL && o.details !== 'Error deserializing request') return `INTERNAL: ${o.details}`;
    return undefined;
  }
  if (!e.codes.includes(o.code)) return `expected ${e.codes.map(codeName).join('|')}, got ${codeName(o.code)}: ${o.details}`;
  if (e.details && !e.details.test(o.details)) return `the status message does not match ${String(e.details)}: ${o.details}`;
  if (e.fromPeer && !(o.details.length >= 20 && /^[A-Za-z]/.test(o.details) && /[.)]$/.test(o.details))) return `the status message is not a sentence: ${o.details}`;
  return undefined;
}

/** Runs `count` tasks, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe('a peer under a barrage of bad input', () => {
  let child: EventChild;
  let client: RawPeerClient;
  let target: Target;
  let before: Report;
  let reports = 0;

  async function report(): Promise<Report> {
    const tag = `r${reports++}`;
    child.send(`report ${tag}`);
    return (await child.until(`report:${tag}`)) as unknown as Report;
  }

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (rerun with PROXYMESH_FUZZ_SEED=${SEED}), ${CASES} cases`);
    const fixture = fileURLToPath(new URL('./fuzz-peer.ts', import.meta.url));
    child = new EventChild(spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fixture], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const ready = await child.until('ready');
    const address = ready.address as string;
    client = new RawPeerClient(address);
    const data = Buffer.from('the object no case evicts');
    const put = await client.clientStream('Put', [part.putHeader('utf8', data.byteLength), part.data(data)], CALL_DEADLINE_MS);
    const stored = PutResponse.decode(put.responses[0] ?? Buffer.alloc(0)).key;
    if (put.code !== status.OK || stored === undefined) throw new Error(`the first Put failed: ${put.details}`);
    target = { client, address, incarnation: ready.incarnation as string, stored };
    // Warm up the peer's code paths, so the memory baseline is not taken before they ever ran.
    const warmup = new Barrage(target, SEED ^ 0x5eed);
    await pool(300, CONCURRENCY, (i) => runCase(Prng.forCase(warmup.seed, i), warmup.scope(i), target));
    for (const key of warmup.created) await client.unary('Evict', keyRequest(key), CALL_DEADLINE_MS);
    before = await report();
  });

  afterAll(async () => {
    client?.close();
    await child?.kill();
  });

  // Every call of the barrage ends with a status; well-formed wrong requests get the contract's code and a sentence.
  it('answers every one of over 10,000 random or malformed messages with a status', async () => {
    const barrage = new Barrage(target, SEED);
    const started = Date.now();
    await pool(CASES, CONCURRENCY, (i) => runCase(Prng.forCase(SEED, i), barrage.scope(i), target));
    for (const key of barrage.created) await client.unary('Evict', keyRequest(key), CALL_DEADLINE_MS);

    const byKind = new Map<string, Map<string, number>>();
    for (const r of barrage.records) {
      const codes = byKind.get(r.kind) ?? new Map<string, number>();
      codes.set(codeName(r.outcome.code), (codes.get(codeName(r.outcome.code)) ?? 0) + 1);
      byKind.set(r.kind, codes);
    }
    // Random, mutated or wrong: every call but the valid ones the cases make along the way (NewKey, a correct Set, Evict).
    const bad = barrage.records.filter((r) => r.expect === undefined || !r.expect.codes.includes(status.OK));
    const badMessages = bad.reduce((n, r) => n + r.messages, 0);
    console.log(
      `fuzz: ${barrage.records.length} calls (${bad.length} random or malformed), ${barrage.messages} messages (${badMessages} in those calls) in ${Date.now() - started} ms (seed ${SEED})\n` +
        [...byKind].map(([kind, codes]) => `  ${kind}: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`).join('\n'),
    );

    expect(badMessages).toBeGreaterThanOrEqual(10_000);
    expect(barrage.records.length, 'every call started ended with a status').toBe(barrage.callsStarted);
    // Wrong endings, grouped by what went wrong (numbers and hex blurred), with one case of each.
    const wrong = new Map<string, { count: number; example: number }>();
    for (const r of barrage.records) {
      const why = violation(r);
      if (why === undefined) continue;
      const group = `${r.kind}, ${r.rpc}: ${why.replace(/[0-9a-f]{16,}/g, '…').replace(/\d+/g, 'N')}`;
      const seen = wrong.get(group);
      wrong.set(group, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? r.index });
    }
    expect([...wrong].map(([group, { count, example }]) => `${count} × ${group} (e.g. case ${example})`), `calls that ended wrongly (seed ${SEED})`).toEqual([]);
    expect(barrage.failures.slice(0, 20), `seed ${SEED}`).toEqual([]);
    // The semantic cases covered each of these codes.
    const seen = new Set(barrage.records.filter((r) => r.expect?.fromPeer).map((r) => r.outcome.code));
    for (const code of [status.INVALID_ARGUMENT, status.NOT_FOUND, status.DATA_LOSS, status.RESOURCE_EXHAUSTED, status.PERMISSION_DENIED, status.ALREADY_EXISTS]) {
      expect(seen.has(code), codeName(code)).toBe(true);
    }
    // Every key a call was given back has been evicted: the peer holds its one stored object again,
    // and nothing that a failed call left behind under a key nobody received.
    await waitFor(async () => (await report()).stats.waiters === 0, 'every waiter is gone');
    const left = (await report()).stats;
    expect(left.objects - before.stats.objects, `objects stored by calls that failed, under keys nobody received (seed ${SEED})`).toBe(0);
    expect(left).toEqual(before.stats);
  }, 60_000);

  // A Put or Set whose last message cannot be decoded fails, and stores nothing: no object under a key nobody received.
  it('stores nothing for a stream whose last message cannot be decoded', async () => {
    const held = (await report()).stats;
    const put = await client.clientStream('Put', [part.putHeader('bytes', 3), part.data(Buffer.from('abc')), Buffer.from([0xff, 0xff])], CALL_DEADLINE_MS);
    expect(codeName(put.code), put.details).not.toBe('OK');
    expect((await report()).stats.objects, 'objects after a failed Put').toBe(held.objects);

    const made = NewKeyResponse.decode((await client.unary('NewKey', Buffer.alloc(0), CALL_DEADLINE_MS)).responses[0] ?? Buffer.alloc(0));
    if (made.key === undefined) throw new Error('NewKey returned no key');
    const set = await client.clientStream('Set', [part.setHeader(made.key, objectHeader('utf8', 3), made.capability), part.data(Buffer.from('abc')), Buffer.from([0xff])], CALL_DEADLINE_MS);
    expect(codeName(set.code), set.details).not.toBe('OK');
    const get = await client.serverStream('Get', keyRequest(made.key), CALL_DEADLINE_MS);
    await client.unary('Evict', keyRequest(made.key), CALL_DEADLINE_MS);
    expect(codeName(get.code), 'a Get of the key whose Set failed').toBe('NOT_FOUND');
  });

  // Garbage on the TCP port and broken gRPC framing over HTTP/2 are refused, each connection and request in bounded time.
  it('survives garbage on its TCP port and broken HTTP/2 framing', async () => {
    const connections: ConnectionOutcome[] = [];
    await pool(CONNECTIONS, 32, async (i) => {
      const rng = Prng.forCase(SEED ^ 0x7cb, i);
      const { kind, chunks } = garbageConnection(rng);
      connections.push(await sendGarbage(target.address, kind, chunks, rng.chance(0.5), 2_000));
    });
    const requests: RequestOutcome[] = [];
    const sessions = Array.from({ length: 8 }, () => openSession(target.address));
    try {
      await pool(REQUESTS, 16, async (i) => {
        const rng = Prng.forCase(SEED ^ 0x42, i);
        const { kind, headers, body } = brokenRequest(rng);
        const session = sessions[i % sessions.length];
        if (session === undefined || session.closed || session.destroyed) throw new Error('lost an HTTP/2 session');
        requests.push(await sendRequest(session, kind, headers, body, 5_000));
      });
    } finally {
      for (const s of sessions) s.close();
    }
    const tally = <T>(items: readonly T[], label: (t: T) => string): string => {
      const counts = new Map<string, number>();
      for (const t of items) counts.set(label(t), (counts.get(label(t)) ?? 0) + 1);
      return [...counts].map(([l, n]) => `  ${l}: ${n}`).join('\n');
    };
    console.log(
      `raw connections (${connections.reduce((n, c) => n + c.bytesSent, 0)} bytes):\n${tally(connections, (c) => `${c.kind}${c.halfClosed ? ', half-closed' : ''} -> ${c.ending}`)}\n` +
        `broken gRPC framing:\n${tally(requests, (r) => `${r.kind} -> ${r.timedOut ? 'no answer' : r.grpcStatus !== undefined ? codeName(r.grpcStatus) : r.rstCode !== undefined ? `reset ${r.rstCode}` : `HTTP ${r.httpStatus}`}`)}`,
    );
    expect(connections).toHaveLength(CONNECTIONS);
    expect(requests.filter((r) => r.timedOut).map((r) => r.kind)).toEqual([]);
    // Framing no gRPC server may accept is never answered OK.
    const broken = /not length-prefixed|longer than the body|4 GiB|not gzip|gzip bomb|unknown (encoding|method|service)/;
    expect(requests.filter((r) => broken.test(r.kind) && r.grpcStatus === status.OK).map((r) => r.kind)).toEqual([]);
    // A connection that sent anything but HTTP/2 is closed or refused by the peer, not left open.
    const notHttp2 = connections.filter((c) => c.kind === 'random bytes' || c.kind === 'not HTTP/2' || c.kind === 'preface, then random bytes');
    expect(notHttp2.filter((c) => c.ending === 'open').map((c) => c.kind)).toEqual([]);
  }, 60_000);

  // A malformed key with a 100 kB field is refused with INVALID_ARGUMENT and a bounded message, and the connection stays usable.
  it('refuses a huge malformed key with a bounded status message', async () => {
    const huge = { peer: `${'x'.repeat(100_000)}:1`, incarnation: target.incarnation, id: 'f'.repeat(32) };
    const own = new RawPeerClient(target.address);
    try {
      const refused = await own.unary('Exists', keyRequest(huge), 5_000);
      expect(codeName(refused.code), refused.details).toBe('INVALID_ARGUMENT');
      expect(refused.details.length).toBeLessThan(4096);
      const after = await own.unary('Stats', Buffer.alloc(0), 5_000);
      expect(codeName(after.code), `the next call on the same connection: ${after.details}`).toBe('OK');
    } finally {
      own.close();
    }
  }, 20_000);

  // After the barrage the peer still serves a normal client, holds exactly what it held before, and its memory stayed bounded.
  it('keeps serving, frees everything and keeps its memory bounded', async () => {
    const clients = new ClientPool({ timeoutMs: 10_000, transferTimeoutMs: 30_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 30 });
    try {
      const peer = clients.client(target.address);
      const data = patternBytes(3 * 1024 * 1024 + 5, `fuzz ${SEED}`);
      const key = await peer.put({ codec: 'bytes', data });
      const back = await peer.get(key);
      expect(back && sha256(back.data)).toBe(sha256(data));
      const { key: later, capability } = await peer.newKey();
      const waiting = peer.await(later, { timeoutMs: 10_000 });
      await waitFor(async () => Number((await peer.stats()).waiters) === 1, 'the Await is registered');
      await peer.set(later, { codec: 'utf8', data: Buffer.from('after the barrage') }, { capability });
      expect(Buffer.from((await waiting).data).toString()).toBe('after the barrage');
      await peer.evict(key);
      await peer.evict(later);
      await peer.evict(toMeshKey(target.stored));
    } finally {
      clients.close();
    }

    // Waiters that timed out or were cancelled are released as the peer notices: wait for that.
    await waitFor(async () => (await report()).stats.waiters === 0, 'every waiter is gone');
    const after = await report();
    console.log(
      `peer memory before ${(before.memory.rss / 1e6).toFixed(0)} MB RSS, ${(before.memory.arrayBuffers / 1e6).toFixed(1)} MB buffers; after ${(after.memory.rss / 1e6).toFixed(0)} MB RSS, ${(after.memory.arrayBuffers / 1e6).toFixed(1)} MB buffers; warnings: ${after.warnings.join('; ') || 'none'}`,
    );
    expect(after.problems).toEqual([]);
    expect(after.memory.rss - before.memory.rss).toBeLessThan(RSS_BOUND);
    // No call kept a receive buffer: buffers sized from lying headers would show here even unbacked by RAM.
    expect(after.memory.arrayBuffers - before.memory.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    expect(after.stats, 'what the peer holds once every key it gave out is evicted').toEqual({ objects: 0, bytes: 0, pendingKeys: 0, waiters: 0 });
  }, 30_000);
});

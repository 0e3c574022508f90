/**
 * The mesh across real processes: three peer processes A, B and C (each a MeshConnector with
 * its own embedded peer) and this test process as the operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { peerStats } from '../helpers/peer-stats.js';
import { waitFor } from '../helpers/wait-for.js';
import type { MeshKey } from '../../src/mesh/key.js';

type Deferred = { key: MeshKey; capability: string };
type Described = { codec: string; size: number; sha256: string; text?: string } | null;

describe('mesh across processes', () => {
  let a: ChildNode, b: ChildNode, c: ChildNode;
  let addressA: string;

  beforeAll(async () => {
    [a, b, c] = [spawnNode('mesh-node'), spawnNode('mesh-node'), spawnNode('mesh-node')];
    await Promise.all([a.ready, b.ready, c.ready]);
    addressA = await a.call<string>('address');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b, c].map((n) => n?.kill()));
  });

  // The basic path: an object put on A is read by B, which has no peer of its own running.
  it('puts on A and gets from B', async () => {
    const key = await a.call<MeshKey>('put', { text: 'hello from A' });
    expect(key.peer).toBe(addressA);
    const got = await b.call<Described>('get', { key });
    expect(got?.text).toBe('hello from A');
    expect(got?.codec).toBe('utf8');
  });

  // A deferred key made on A, awaited from C before B sets it: C receives exactly B's bytes.
  it('wakes a consumer on C with the value a producer on B sets on a key owned by A', async () => {
    const { key, capability } = await a.call<Deferred>('newKey');
    const waiting = c.call<Described[]>('await', { key });
    await waitFor(async () => (await peerStats(addressA)).waiters === 1, 'C is waiting on A');
    expect(await b.call<Described>('get', { key })).toBeNull();
    await b.call('set', { key, capability, size: 5000, seed: 'from-B' });
    const [got] = await waiting;
    expect(got?.sha256).toBe(sha256(patternBytes(5000, 'from-B')));
    expect(got?.size).toBe(5000);
  });

  // One getBatch on C reads keys of A and B (one GetBatch each) in the caller's order, with repeats and a missing key.
  it('reads a batch spread over two owners in order', async () => {
    const sizes = [0, 1, 4096, 3 * 1024 * 1024 + 5];
    const onA = await a.call<MeshKey[]>('putBatch', { sizes, seed: 'A' });
    const onB = await b.call<MeshKey[]>('putBatch', { sizes, seed: 'B' });
    expect(onA.every((k) => k.peer === addressA)).toBe(true);
    const missing = { ...onB[0]!, id: 'f'.repeat(32) };
    const keys = [onB[3]!, onA[2]!, missing, onA[0]!, onB[1]!, onA[3]!, onA[2]!];
    const got = await c.call<Described[]>('getBatch', { keys });
    const expected = (seed: string, i: number): string => sha256(patternBytes(sizes[i]!, `${seed}:${i}`));
    expect(got.map((d) => d?.sha256 ?? null)).toEqual([expected('B', 3), expected('A', 2), null, expected('A', 0), expected('B', 1), expected('A', 3), expected('A', 2)]);
  });

  // Over 10,000 keys for one owner go as several GetBatch calls; a key of a lost incarnation fails the batch with KeyLostError.
  it('splits a batch over the contract limit and reports a lost key', async () => {
    const [key] = await a.call<MeshKey[]>('putBatch', { sizes: [3], seed: 'many' });
    const many = await c.call<Described[]>('getBatch', { keys: Array.from({ length: 10_001 }, () => key) });
    expect(many).toHaveLength(10_001);
    const expected = sha256(patternBytes(3, 'many:0'));
    expect(many.every((d) => d?.sha256 === expected)).toBe(true);
    const lost = { ...key!, incarnation: '0123456789abcdef' };
    const error = await c.call('getBatch', { keys: [key, lost] }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('KeyLostError');
    expect(error?.message).toMatch(/Key 1 of the GetBatch: .*lost: the owner restarted/);
  });

  // 64 MiB crosses processes byte-identical, both by put/get and by set/await.
  it('round-trips a 64 MiB object byte for byte', async () => {
    const size = 64 * 1024 * 1024;
    const expected = sha256(patternBytes(size, 'big'));
    const key = await a.call<MeshKey>('put', { size, seed: 'big' });
    expect((await b.call<Described>('get', { key }))?.sha256).toBe(expected);

    const { key: deferred, capability: deferredCapability } = await a.call<Deferred>('newKey');
    const waiting = c.call<Described[]>('await', { key: deferred });
    await b.call('set', { key: deferred, capability: deferredCapability, size, seed: 'big' });
    expect((await waiting)[0]?.sha256).toBe(expected);
    await a.call('evict', { key });
    await a.call('evict', { key: deferred });
  }, 60_000);

  // One set wakes 100 concurrent waiters, each with the full value; C's waiters share one Await stream.
  it('wakes 100 concurrent waiters with one set', async () => {
    const { key, capability } = await a.call<Deferred>('newKey');
    const waiting = c.call<Described[]>('await', { key, count: 100 });
    await waitFor(async () => (await peerStats(addressA)).waiters === 1, "C's 100 waiters are registered on A as one shared stream");
    await b.call('set', { key, capability, text: 'for everyone' });
    const got = await waiting;
    expect(got).toHaveLength(100);
    expect(got.every((g) => g?.text === 'for everyone')).toBe(true);
    expect((await peerStats(addressA)).waiters).toBe(0);
  });

  // Keys are write-once: a second set from another process is refused and the first value stays.
  it('refuses a second set from another process', async () => {
    const { key, capability } = await a.call<Deferred>('newKey');
    await b.call('set', { key, capability, text: 'first' });
    const second = c.call('set', { key, capability, text: 'second' });
    await expect(second).rejects.toMatchObject({ name: 'KeyExistsError' });
    expect((await c.call<Described>('get', { key }))?.text).toBe('first');
  });

  // A key (or a proxy) grants reading only: a set without the future's capability is refused.
  it('refuses a set without the capability newKey issued, and the key stays settable', async () => {
    const { key, capability } = await a.call<Deferred>('newKey');
    await expect(b.call('set', { key, text: 'intruder' })).rejects.toMatchObject({ name: 'PermissionDeniedError' });
    await expect(b.call('set', { key, capability: 'x'.repeat(22), text: 'intruder' })).rejects.toMatchObject({ name: 'PermissionDeniedError' });
    expect(await c.call<Described>('get', { key })).toBeNull();
    await b.call('set', { key, capability, text: 'rightful' });
    expect((await c.call<Described>('get', { key }))?.text).toBe('rightful');
  });

  // A waiter that gives up leaves nothing behind on the owner.
  it('frees the owner’s state when a remote waiter cancels', async () => {
    const { key, capability } = await a.call<Deferred>('newKey');
    const before = await peerStats(addressA);
    const waiting = c.call('await', { key, count: 3, tag: 'cancel-me' }).catch((e: Error) => e);
    await waitFor(async () => (await peerStats(addressA)).waiters === before.waiters + 1, "the three waiters' shared stream is registered");
    await c.call('abort', { tag: 'cancel-me' });
    expect(((await waiting) as Error).message).toBe('aborted cancel-me');
    await waitFor(async () => (await peerStats(addressA)).waiters === before.waiters, 'the owner has dropped the cancelled waiters');
    // The key itself is still pending and can still be set.
    await b.call('set', { key, capability, text: 'still settable' });
    expect((await c.call<Described>('get', { key }))?.text).toBe('still settable');
  });

  // Evicting a pending key ends remote waits with a named error.
  it('ends remote waiters with KeyNotFoundError when the pending key is evicted', async () => {
    const { key } = await a.call<Deferred>('newKey');
    const waiting = c.call('await', { key }).catch((e: Error) => e);
    await waitFor(async () => (await peerStats(addressA)).waiters === 1, 'C is waiting on A');
    await b.call('evict', { key });
    expect(await waiting).toMatchObject({ name: 'KeyNotFoundError' });
  });

  // A killed owner: waiters learn it with a named error naming the key and the address.
  it('ends waiters promptly with PeerUnavailableError when the owner dies', async () => {
    const owner = spawnNode('mesh-node');
    await owner.ready;
    const address = await owner.call<string>('address');
    const { key } = await owner.call<Deferred>('newKey');
    const waiting = c.call('await', { key }).catch((e: Error) => e);
    await waitFor(async () => (await peerStats(address)).waiters === 1, 'C is waiting on the owner');
    await owner.kill('SIGKILL');
    const error = (await waiting) as Error;
    expect(error.name).toBe('PeerUnavailableError');
    expect(error.message).toContain(address);
    expect(error.message).toContain(key.id);
  });
});

/**
 * Slow is not dead: an owner that is alive but does not run for a while (a long GC pause, a host
 * crowded with processes; here SIGSTOP, then SIGCONT) is waited for within each call's deadline,
 * on connections already open and on new ones, while one frozen for longer than the keepalive
 * limit is reported with PeerUnavailableError naming it, and serves again once it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { peerStats } from '../helpers/peer-stats.js';
import { waitFor } from '../helpers/wait-for.js';
import { formatKey, type MeshKey } from '../../src/mesh/key.js';
import { attemptTimeoutMs, connectTimeoutMs, failures, keepaliveTimeoutMs, keepaliveWorstMs, spawnFaultNode, type Deferred, type Described, type Outcome } from './support.js';

// A freeze no ping can outlast, whatever its phase: half the control channel's ping timeout.
const SHORT_STOP_MS = keepaliveTimeoutMs('control') / 2;
// Longer than the TCP bound and than the 5 s a whole attempt was once given, well within the one it has now.
const SLOW_ACCEPT_STOP_MS = Math.min(Math.max(8_000, connectTimeoutMs() + 3_000), attemptTimeoutMs() / 2);
// Every ping on the control channel lost, and then some.
const LONG_STOP_MS = keepaliveWorstMs('control') + 3_000;
const CALL_DEADLINE_MS = 30_000;
const OBJECT = { size: 3 * 1024 * 1024 + 17, seed: 'slow owner' } as const;

/** Keeps `node` frozen for `ms`: the fault itself lasts this long; nothing is ordered by it. */
async function freeze(node: ChildNode, ms: number): Promise<void> {
  node.process.kill('SIGSTOP');
  await new Promise((resolve) => setTimeout(resolve, ms));
  node.process.kill('SIGCONT');
}

describe('an owner that stops running for a while', () => {
  let owner: ChildNode;
  let consumer: ChildNode;
  const fresh: ChildNode[] = [];
  let address = '';
  let key: MeshKey;

  beforeAll(async () => {
    owner = spawnFaultNode();
    // Readers as on another host: a reader of this host would read the owner's objects from its
    // files (host reads), which a stopped owner cannot slow down, and never wait on the owner.
    consumer = spawnFaultNode({ sharedMemory: false });
    fresh.push(spawnFaultNode({ sharedMemory: false }), spawnFaultNode({ sharedMemory: false }));
    await Promise.all([owner, consumer, ...fresh].map((n) => n.ready));
    address = await owner.call<string>('address');
    key = await owner.call<MeshKey>('put', OBJECT);
  }, 60_000);

  afterAll(async () => {
    // SIGKILL also ends a stopped process.
    await Promise.all([owner, consumer, ...fresh].map((n) => n?.kill('SIGKILL')));
  });

  // Proves: frozen for less than the ping timeout, the owner loses nothing: gets in flight on an open connection and on a new one succeed, and a waiter is not reported dead but receives the value set after.
  it('is waited for when stopped for less than the keepalive limit', async () => {
    expect((await consumer.call<Described>('get', { key }))?.sha256).toBe(sha256(patternBytes(OBJECT.size, OBJECT.seed)));
    const { key: deferred, capability } = await owner.call<Deferred>('newKey');
    await consumer.call('watch', { key: deferred, tag: 'short' });
    await waitFor(async () => (await peerStats(address)).waiters === 1, 'the consumer waits on the owner');

    const stopped = freeze(owner, SHORT_STOP_MS);
    const during = [consumer, fresh[0]!].map((n) => n.call<Outcome>('timed', { inner: 'get', key, timeoutMs: CALL_DEADLINE_MS }));
    await stopped;
    for (const outcome of await Promise.all(during)) {
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      expect((outcome.value as Described)?.sha256).toBe(sha256(patternBytes(OBJECT.size, OBJECT.seed)));
    }
    await owner.call('set', { key: deferred, capability, text: 'after a short freeze' });
    const outcomes = await consumer.call<Outcome[]>('outcomes', { tag: 'short', timeoutMs: CALL_DEADLINE_MS });
    expect(failures(outcomes)).toEqual([]);
    expect((outcomes[0]?.value as Described)?.text).toBe('after a short freeze');
  }, 60_000);

  // Proves: a process's first call to an owner that does not answer its connection for longer than the 5 s an attempt once had waits (within its deadline) and succeeds once the owner runs again.
  it('is waited for by a new client while it is slow to accept', async () => {
    const stopped = freeze(owner, SLOW_ACCEPT_STOP_MS);
    const first = fresh[1]!.call<Outcome>('timed', { inner: 'get', key, timeoutMs: CALL_DEADLINE_MS });
    await stopped;
    const outcome = await first;
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    expect((outcome.value as Described)?.sha256).toBe(sha256(patternBytes(OBJECT.size, OBJECT.seed)));
  }, 60_000);

  // Proves: frozen for longer than the keepalive limit, the owner is reported: the waiter fails with PeerUnavailableError naming the key and the owner; once the owner runs again, the same client reads from it and waits on it again.
  it('is reported with PeerUnavailableError when stopped for longer, and serves again once continued', async () => {
    const { key: deferred, capability } = await owner.call<Deferred>('newKey');
    await consumer.call('watch', { key: deferred, tag: 'long' });
    await waitFor(async () => (await peerStats(address)).waiters === 1, 'the consumer waits on the owner');
    const stoppedAt = Date.now();
    const stopped = freeze(owner, LONG_STOP_MS);
    const [outcome] = await consumer.call<Outcome[]>('outcomes', { tag: 'long', since: stoppedAt, timeoutMs: LONG_STOP_MS + 10_000 });
    await stopped;
    expect(outcome?.name, JSON.stringify(outcome)).toBe('PeerUnavailableError');
    expect(outcome?.message).toContain(formatKey(deferred));
    expect(outcome?.message).toContain(address);
    expect(outcome?.elapsedMs).toBeLessThan(keepaliveWorstMs('control') + 2_000);

    expect((await consumer.call<Described>('get', { key, timeoutMs: CALL_DEADLINE_MS }))?.sha256).toBe(sha256(patternBytes(OBJECT.size, OBJECT.seed)));
    await consumer.call('watch', { key: deferred, tag: 'again' });
    await waitFor(async () => (await peerStats(address)).waiters === 1, 'the consumer waits on the owner again');
    await owner.call('set', { key: deferred, capability, text: 'after a long freeze' });
    const again = await consumer.call<Outcome[]>('outcomes', { tag: 'again', timeoutMs: CALL_DEADLINE_MS });
    expect(failures(again)).toEqual([]);
    expect((again[0]?.value as Described)?.text).toBe('after a long freeze');
  }, 90_000);
});

/**
 * Concurrent awaitKey calls on one key in one process share one Await stream on the owner
 * (src/mesh/client/shared-awaits.ts), across real processes: an owner (a fault-node that accepts at
 * most one pending Await, so a second stream would be refused) and two consumer processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildNode } from '../helpers/child.js';
import { peerStats } from '../helpers/peer-stats.js';
import { waitFor } from '../helpers/wait-for.js';
import { formatKey } from '../../src/mesh/key.js';
import { spawnFaultNode, type Deferred, type Outcome } from '../faults/support.js';

describe('waiters in one process share one Await stream', () => {
  let owner: ChildNode, consumer: ChildNode, other: ChildNode;
  let address: string;
  const extra: ChildNode[] = [];

  beforeAll(async () => {
    // maxWaiters 1: the owner refuses a second pending Await, so only a shared stream can serve many waiters.
    [owner, consumer, other] = [spawnFaultNode({ maxWaiters: 1 }), spawnFaultNode(), spawnFaultNode()];
    await Promise.all([owner.ready, consumer.ready, other.ready]);
    address = await owner.call<string>('address');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([owner, consumer, other, ...extra].map((n) => n?.kill('SIGKILL')));
  });

  const streams = async (at = address): Promise<number> => (await peerStats(at)).waiters;
  const outcomes = (node: ChildNode, tag: string): Promise<Outcome[]> => node.call<Outcome[]>('outcomes', { tag, timeoutMs: 10_000 });

  /** Starts `count` waiters under each tag in the consumer, and waits until their one shared stream is on the owner. */
  async function watchShared(key: Deferred['key'], watches: Record<string, number>, what = 'the shared stream is registered on the owner'): Promise<void> {
    for (const [tag, count] of Object.entries(watches)) await consumer.call('watch', { key, count, tag });
    await waitFor(async () => (await streams()) === 1, what);
  }

  /** Sets the key; every one of the `count` waiters under `tag` gets `text`, and the owner then finishes the stream. */
  async function setAndExpectAll({ key, capability }: Deferred, text: string, tag: string, count: number): Promise<void> {
    await owner.call('set', { key, capability, text });
    const got = await outcomes(consumer, tag);
    expect(got).toHaveLength(count);
    for (const o of got) expect(o).toMatchObject({ ok: true, value: { text } });
    await waitFor(async () => (await streams()) === 0, 'the owner has finished the stream');
  }

  // Proves: 50 waiters in one process hold one stream on the owner (a second would be refused), and one set gives every one of them the value.
  it('wakes 50 waiters of one process through one stream', async () => {
    const deferred = await owner.call<Deferred>('newKey');
    await watchShared(deferred.key, { fifty: 50 });
    // The consumer has been answering meanwhile; a stream per waiter would have shown up by now.
    expect(await consumer.call<boolean>('exists', { key: deferred.key })).toBe(false);
    expect(await streams()).toBe(1);
    await setAndExpectAll(deferred, 'for all fifty', 'fifty', 50);
  });

  // Proves: a waiter that aborts or times out ends only its own wait; the others keep the stream and get the value.
  it('lets one waiter leave by abort or deadline without ending the others', async () => {
    const deferred = await owner.call<Deferred>('newKey');
    const { key } = deferred;
    await watchShared(key, { stay: 3, leave: 2 });

    await consumer.call('abort', { tag: 'leave' });
    const left = await outcomes(consumer, 'leave');
    expect(left).toHaveLength(2);
    for (const o of left) expect(o).toMatchObject({ ok: false, name: 'Error', message: 'aborted leave' });

    const timed = await consumer.call<Outcome>('timed', { inner: 'await', key, timeoutMs: 200 });
    expect(timed).toMatchObject({ ok: false, name: 'DeadlineExceededError' });
    expect(timed.message).toContain(formatKey(key));
    expect(timed.message).toContain(address);
    expect(await streams()).toBe(1);

    await setAndExpectAll(deferred, 'still here', 'stay', 3);
  });

  // Proves: when the last waiter leaves, the shared stream is cancelled and the owner frees it; a later waiter opens a fresh stream that gets the value.
  it('frees the owner when every waiter has left, and starts afresh for the next', async () => {
    const deferred = await owner.call<Deferred>('newKey');
    const { key } = deferred;
    await watchShared(key, { 'first-out': 2, 'last-out': 2 });
    await consumer.call('abort', { tag: 'first-out' });
    expect(await outcomes(consumer, 'first-out')).toHaveLength(2);
    expect(await streams()).toBe(1);
    await consumer.call('abort', { tag: 'last-out' });
    expect(await outcomes(consumer, 'last-out')).toHaveLength(2);
    await waitFor(async () => (await streams()) === 0, 'the owner has dropped the cancelled stream');
    expect((await peerStats(address)).pendingKeys).toBeGreaterThanOrEqual(1);

    await watchShared(key, { comeback: 2 }, 'a fresh stream is registered on the owner');
    await setAndExpectAll(deferred, 'after all', 'comeback', 2);
  });

  // Proves: a failed stream fails all its waiters with the owner's named error, and waiters joining after the failure open a fresh stream rather than inherit it.
  it('fails every waiter of a refused stream, and a later waiter starts a fresh one', async () => {
    const deferred = await owner.call<Deferred>('newKey');
    const { key } = deferred;
    await other.call('watch', { key, count: 1, tag: 'holder' });
    await waitFor(async () => (await streams()) === 1, "the other consumer's stream takes the owner's only place");

    await consumer.call('watch', { key, count: 3, tag: 'refused' });
    const refused = await outcomes(consumer, 'refused');
    expect(refused).toHaveLength(3);
    for (const o of refused) {
      expect(o).toMatchObject({ ok: false, name: 'LimitExceededError' });
      expect(o.message).toContain(address);
    }

    await other.call('abort', { tag: 'holder' });
    await waitFor(async () => (await streams()) === 0, 'the owner has a place again');
    await watchShared(key, { fresh: 3 }, 'the fresh stream is registered on the owner');
    await setAndExpectAll(deferred, 'second try', 'fresh', 3);
  });

  // Proves: when the owner dies, every waiter on the shared stream gets PeerUnavailableError naming the key and the owner.
  it('fails every waiter with PeerUnavailableError when the owner dies', async () => {
    const doomed = spawnFaultNode();
    extra.push(doomed);
    await doomed.ready;
    const doomedAddress = await doomed.call<string>('address');
    const { key } = await doomed.call<Deferred>('newKey');
    await consumer.call('watch', { key, count: 20, tag: 'orphans' });
    await waitFor(async () => (await streams(doomedAddress)) === 1, 'the shared stream is registered on the doomed owner');
    await doomed.kill('SIGKILL');
    const orphans = await outcomes(consumer, 'orphans');
    expect(orphans).toHaveLength(20);
    for (const o of orphans) {
      expect(o).toMatchObject({ ok: false, name: 'PeerUnavailableError' });
      expect(o.message).toContain(formatKey(key));
      expect(o.message).toContain(doomedAddress);
    }
  });
});

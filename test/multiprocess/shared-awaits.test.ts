/**
 * Concurrent awaitKey calls on one key in one process share one Await stream on the owner
 * (src/mesh/shared-awaits.ts), across real processes: an owner (a fault-node that accepts at
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

  // Proves: 50 waiters in one process hold one stream on the owner (a second would be refused), and one set gives every one of them the value.
  it('wakes 50 waiters of one process through one stream', async () => {
    const { key, capability } = await owner.call<Deferred>('newKey');
    await consumer.call('watch', { key, count: 50, tag: 'fifty' });
    await waitFor(async () => (await streams()) === 1, 'the shared stream is registered on the owner');
    // The consumer has been answering meanwhile; a stream per waiter would have shown up by now.
    expect(await consumer.call<boolean>('exists', { key })).toBe(false);
    expect(await streams()).toBe(1);
    await owner.call('set', { key, capability, text: 'for all fifty' });
    const got = await outcomes(consumer, 'fifty');
    expect(got).toHaveLength(50);
    for (const o of got) expect(o).toMatchObject({ ok: true, value: { text: 'for all fifty' } });
    await waitFor(async () => (await streams()) === 0, 'the owner has finished the stream');
  });

  // Proves: a waiter that aborts or times out ends only its own wait; the others keep the stream and get the value.
  it('lets one waiter leave by abort or deadline without ending the others', async () => {
    const { key, capability } = await owner.call<Deferred>('newKey');
    await consumer.call('watch', { key, count: 3, tag: 'stay' });
    await consumer.call('watch', { key, count: 2, tag: 'leave' });
    await waitFor(async () => (await streams()) === 1, 'the shared stream is registered on the owner');

    await consumer.call('abort', { tag: 'leave' });
    const left = await outcomes(consumer, 'leave');
    expect(left).toHaveLength(2);
    for (const o of left) expect(o).toMatchObject({ ok: false, name: 'Error', message: 'aborted leave' });

    const timed = await consumer.call<Outcome>('timed', { inner: 'await', key, timeoutMs: 200 });
    expect(timed).toMatchObject({ ok: false, name: 'DeadlineExceededError' });
    expect(timed.message).toContain(formatKey(key));
    expect(timed.message).toContain(address);
    expect(await streams()).toBe(1);

    await owner.call('set', { key, capability, text: 'still here' });
    const stayed = await outcomes(consumer, 'stay');
    expect(stayed).toHaveLength(3);
    for (const o of stayed) expect(o).toMatchObject({ ok: true, value: { text: 'still here' } });
    await waitFor(async () => (await streams()) === 0, 'the owner has finished the stream');
  });

  // Proves: when the last waiter leaves, the shared stream is cancelled and the owner frees it; a later waiter opens a fresh stream that gets the value.
  it('frees the owner when every waiter has left, and starts afresh for the next', async () => {
    const { key, capability } = await owner.call<Deferred>('newKey');
    await consumer.call('watch', { key, count: 2, tag: 'first-out' });
    await consumer.call('watch', { key, count: 2, tag: 'last-out' });
    await waitFor(async () => (await streams()) === 1, 'the shared stream is registered on the owner');
    await consumer.call('abort', { tag: 'first-out' });
    expect(await outcomes(consumer, 'first-out')).toHaveLength(2);
    expect(await streams()).toBe(1);
    await consumer.call('abort', { tag: 'last-out' });
    expect(await outcomes(consumer, 'last-out')).toHaveLength(2);
    await waitFor(async () => (await streams()) === 0, 'the owner has dropped the cancelled stream');
    expect((await peerStats(address)).pendingKeys).toBeGreaterThanOrEqual(1);

    await consumer.call('watch', { key, count: 2, tag: 'comeback' });
    await waitFor(async () => (await streams()) === 1, 'a fresh stream is registered on the owner');
    await owner.call('set', { key, capability, text: 'after all' });
    for (const o of await outcomes(consumer, 'comeback')) expect(o).toMatchObject({ ok: true, value: { text: 'after all' } });
    await waitFor(async () => (await streams()) === 0, 'the owner has finished the stream');
  });

  // Proves: a failed stream fails all its waiters with the owner's named error, and waiters joining after the failure open a fresh stream rather than inherit it.
  it('fails every waiter of a refused stream, and a later waiter starts a fresh one', async () => {
    const { key, capability } = await owner.call<Deferred>('newKey');
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
    await consumer.call('watch', { key, count: 3, tag: 'fresh' });
    await waitFor(async () => (await streams()) === 1, 'the fresh stream is registered on the owner');
    await owner.call('set', { key, capability, text: 'second try' });
    const fresh = await outcomes(consumer, 'fresh');
    expect(fresh).toHaveLength(3);
    for (const o of fresh) expect(o).toMatchObject({ ok: true, value: { text: 'second try' } });
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

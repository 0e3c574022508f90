/**
 * Fault: the producer that holds a deferred key's capability dies before setting it. Nothing
 * will ever wake the consumers, so their own deadline or signal must end the wait cleanly; the
 * owner must free every waiter; and the key must stay settable by a new producer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { peerStats } from '../helpers/peer-stats.js';
import { settlesWithin } from '../helpers/hang.js';
import { waitFor } from '../helpers/wait-for.js';
import { formatKey } from '../../src/mesh/key.js';
import { spawnFaultNode, type Deferred, type Described, type Outcome } from './support.js';

const DEADLINE_MS = 1_500;
// A wait still unsettled this long after its deadline or signal hangs (a healthy one ends within
// a few ms of it); the time taken is reported, not asserted.
const HANG_BOUND_MS = 30_000;

describe('producer dies before setting', () => {
  let owner: ChildNode, consumer: ChildNode;
  const producers: ChildNode[] = [];
  let address: string;

  beforeAll(async () => {
    [owner, consumer] = [spawnFaultNode(), spawnFaultNode()];
    await Promise.all([owner.ready, consumer.ready]);
    address = await owner.call<string>('address');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([owner, consumer, ...producers].map((n) => n?.kill('SIGKILL')));
  });

  function producer(): ChildNode {
    const p = spawnFaultNode();
    producers.push(p);
    return p;
  }

  // Proves: after the producer is SIGKILLed unset, a consumer's timeoutMs ends its wait with DeadlineExceededError naming the key, an AbortSignal ends other waits with the signal's reason, the owner's waiter count returns to zero, and a new producer holding the capability can still set the key.
  it('ends waits by deadline and signal, frees the owner, and leaves the key settable', async () => {
    const { key, capability } = await owner.call<Deferred>('newKey');
    const name = formatKey(key);

    // The producer receives the future (key and capability), checks the key, and dies before setting it.
    const doomed = producer();
    await doomed.ready;
    expect(await doomed.call<boolean>('exists', { key })).toBe(false);
    await doomed.kill('SIGKILL');
    expect((await peerStats(address)).pendingKeys).toBe(1);

    // Two waits that only a signal can end, then one with a deadline.
    await consumer.call('watch', { key, count: 2, tag: 'by-signal' });
    // The consumer's waits on the key share one Await stream: the owner counts it once.
    await waitFor(async () => (await peerStats(address)).waiters === 1, 'the signalled waits are registered on the owner');
    const timed = await settlesWithin(consumer.call<Outcome>('timed', { inner: 'await', key, timeoutMs: DEADLINE_MS }), 'a wait with a deadline', DEADLINE_MS + HANG_BOUND_MS);
    expect(timed.ok, JSON.stringify(timed)).toBe(false);
    expect(timed.name, timed.message).toBe('DeadlineExceededError');
    expect(timed.message).toContain(name);
    expect(timed.message).toContain(address);
    expect(timed.message).toContain(`${DEADLINE_MS} ms`);
    // Never before the deadline (1 ms of timer rounding): a deadline that fires early is a bug
    // no load can cause. How much later it fired is reported.
    expect(timed.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 1);
    // The timed-out wait left the shared stream; the signalled ones still hold it open.
    expect((await peerStats(address)).waiters).toBe(1);

    const abortedAt = Date.now();
    await consumer.call('abort', { tag: 'by-signal' });
    // A hung wait is reported as `pending`, which the name check below refuses.
    const signalled = await consumer.call<Outcome[]>('outcomes', { tag: 'by-signal', since: abortedAt, timeoutMs: HANG_BOUND_MS });
    expect(signalled).toHaveLength(2);
    for (const outcome of signalled) {
      expect(outcome).toMatchObject({ ok: false, name: 'Error', message: 'aborted by-signal' });
    }
    console.info(`producer death: the deadline ended its wait ${timed.elapsedMs - DEADLINE_MS} ms past ${DEADLINE_MS} ms; the signal ended the others ${Math.max(...signalled.map((o) => o.elapsedMs))} ms after the abort`);
    await waitFor(async () => (await peerStats(address)).waiters === 0, 'the owner has dropped the aborted waiters');
    expect(await peerStats(address)).toMatchObject({ pendingKeys: 1, waiters: 0 });

    // A new producer holding the capability sets the key, and a consumer reads exactly its bytes.
    const replacement = producer();
    await replacement.ready;
    await replacement.call('set', { key, capability, size: 300_000, seed: 'replacement' });
    const got = await consumer.call<Described>('await', { key, timeoutMs: 10_000 });
    expect(got?.sha256).toBe(sha256(patternBytes(300_000, 'replacement')));
    expect(await peerStats(address)).toMatchObject({ pendingKeys: 0, waiters: 0 });
  }, 60_000);
});

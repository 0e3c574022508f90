/**
 * Fault: a `proxymesh peer` daemon dies and a new one starts on the same address. Keys of the
 * earlier incarnation must fail loudly as lost, from any process, never as a silent miss; the
 * new incarnation works normally.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { waitFor } from '../helpers/wait-for.js';
import { formatKey, type MeshKey } from '../../src/mesh/key.js';
import { failures, freePort, spawnFaultNode, startDaemon, type Daemon, type Deferred, type Described, type Outcome, type Stats } from './support.js';

describe('owner restarts on the same address', () => {
  const nodes: ChildNode[] = [];
  const daemons: Daemon[] = [];

  afterAll(async () => {
    await Promise.all([...nodes.map((n) => n.kill('SIGKILL')), ...daemons.map((d) => d.kill('SIGKILL'))]);
  });

  function node(options: Parameters<typeof spawnFaultNode>[0] = {}): ChildNode {
    const n = spawnFaultNode(options);
    nodes.push(n);
    return n;
  }

  async function daemon(listen: string): Promise<Daemon> {
    const d = await startDaemon(listen);
    daemons.push(d);
    return d;
  }

  /** Waits until `from` reaches the peer at `address` and finds it in a new incarnation. */
  async function reachesNewIncarnation(from: ChildNode, address: string, old: string): Promise<string> {
    let incarnation = old;
    await waitFor(
      async () => {
        const s = await from.call<Stats>('stats', { address, timeoutMs: 1_000 }).catch(() => undefined);
        incarnation = s?.incarnation ?? old;
        return incarnation !== old;
      },
      `a process reaches the restarted peer ${address}`,
      20_000,
    );
    return incarnation;
  }

  // Proves: after the daemon is killed (SIGKILL, or SIGTERM for a clean stop) and restarted on the same port, every key of its earlier incarnation fails with KeyLostError "lost … restarted" for get/exists/evict/await/set from another process, a wait in flight across the restart ends with a named error, and keys of the new incarnation work.
  it.each(['SIGKILL', 'SIGTERM'] as const)('fails keys of the earlier incarnation after a %s and a restart, and serves new ones', async (signal) => {
    const listen = `127.0.0.1:${await freePort()}`;
    const first = await daemon(listen);
    const address = first.address;
    const producer = node({ peer: address });
    const consumer = node();
    await Promise.all([producer.ready, consumer.ready]);

    // The earlier incarnation: a stored object and a deferred key, both readable from the consumer.
    const stored = await producer.call<MeshKey>('put', { size: 100_000, seed: 'old' });
    const deferred = await producer.call<Deferred>('newKey');
    expect(stored.peer).toBe(address);
    expect((await consumer.call<Described>('get', { key: stored }))?.sha256).toBe(sha256(patternBytes(100_000, 'old')));
    const oldIncarnation = (await consumer.call<Stats>('stats', { address })).incarnation;
    await consumer.call('watch', { key: deferred.key, tag: `across-${signal}` });
    await waitFor(async () => (await consumer.call<Stats>('stats', { address })).waiters === 1, 'the consumer waits on the deferred key');

    await first.kill(signal);
    const second = await daemon(listen);
    expect(second.address).toBe(address);

    // The wait in flight when the owner died ended with a named error, not a hang.
    const [across] = await consumer.call<Outcome[]>('outcomes', { tag: `across-${signal}`, timeoutMs: 10_000 });
    expect(across?.name, across?.message).toBe('PeerUnavailableError');
    expect(across?.message).toContain(formatKey(deferred.key));

    const newIncarnation = await reachesNewIncarnation(consumer, address, oldIncarnation);
    await reachesNewIncarnation(producer, address, oldIncarnation);
    expect(newIncarnation).not.toBe(oldIncarnation);

    // Every operation on an old key, from the consumer's process, says the key is lost because the owner restarted.
    const attempts: [string, Record<string, unknown>][] = [
      ['get', { key: stored }],
      ['exists', { key: stored }],
      ['await', { key: stored, timeoutMs: 5_000 }],
      ['evict', { key: stored }],
      ['get', { key: deferred.key }],
      ['exists', { key: deferred.key }],
      ['await', { key: deferred.key, timeoutMs: 5_000 }],
      ['set', { key: deferred.key, capability: deferred.capability, text: 'too late' }],
    ];
    for (const [inner, args] of attempts) {
      const outcome = await consumer.call<Outcome>('timed', { inner, ...args });
      const what = `${inner} ${JSON.stringify(args)}: ${JSON.stringify(outcome)}`;
      expect(outcome.ok, what).toBe(false);
      expect(outcome.name, what).toBe('KeyLostError');
      expect(outcome.message, what).toMatch(/lost/);
      expect(outcome.message, what).toMatch(/restarted/);
      expect(outcome.message, what).toContain(formatKey(args.key as MeshKey));
    }

    // The new incarnation works: a put read back from the consumer, and a deferred key set and awaited.
    const fresh = await producer.call<MeshKey>('put', { size: 100_000, seed: 'new' });
    expect(fresh).toMatchObject({ peer: address, incarnation: newIncarnation });
    expect((await consumer.call<Described>('get', { key: fresh }))?.sha256).toBe(sha256(patternBytes(100_000, 'new')));
    const later = await producer.call<Deferred>('newKey');
    await consumer.call('watch', { key: later.key, tag: `later-${signal}` });
    await waitFor(async () => (await consumer.call<Stats>('stats', { address })).waiters === 1, 'the consumer waits on the new deferred key');
    await producer.call('set', { key: later.key, capability: later.capability, text: 'after restart' });
    const woken = await consumer.call<Outcome[]>('outcomes', { tag: `later-${signal}`, timeoutMs: 10_000 });
    expect(failures(woken)).toEqual([]);
    expect((woken[0]?.value as Described)?.text).toBe('after restart');
    expect(await consumer.call<Stats>('stats', { address })).toMatchObject({ objects: 2, pendingKeys: 0, waiters: 0 });

    await second.kill('SIGKILL');
  }, 60_000);
});

/**
 * Fault: a network partition between hosts. Three hosts A, B and C, each a network namespace
 * with its own address in 10.213.0.0/24 (test/helpers/netns.ts), run one mesh process each,
 * listening on and advertising that address. A's cable is pulled (its switch port goes down:
 * silence, no reset) and plugged back in.
 *
 * What happens, as these tests check it:
 * - during the cut, B's operations on A's keys fail with PeerUnavailableError or
 *   DeadlineExceededError naming the key and A's address; with no deadline of their own they
 *   still fail, by keepalive on an open connection or by the connect timeout on a new one;
 *   B and C still work together;
 * - a wait on A's deferred key from B ends with PeerUnavailableError once keepalive finds the
 *   link dead; a set from C during the cut fails the same way and leaves the key unset;
 * - after the link is restored, every key of A reads back byte-identical (sha256), A still holds
 *   every object, and a wait retried from B gets the value once C sets it.
 *
 * How long each failure took is reported, not asserted (the benchmarks own timings): an
 * operation fails the test only by hanging past a generous bound, several times what keepalive
 * and the connect timeout of src/mesh/channel-options.ts allow.
 *
 * Needs root and iproute2: without them every test here fails saying so (never skips).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { NetLab, removeStaleLabs } from '../helpers/netns.js';
import { settlesWithin } from '../helpers/hang.js';
import { waitFor } from '../helpers/wait-for.js';
import { formatKey, type MeshKey } from '../../src/mesh/key.js';
import { connectTimeoutMs, failures, keepaliveWorstMs, spawnFaultNode, type Deferred, type Described, type Outcome, type Stats } from './support.js';

const PORT = 7001;
// The deadline B gives each operation during the cut.
const CALL_DEADLINE_MS = 3_000;
// Beyond these an operation hangs. Keepalive finds a silent link dead within keepalive_time +
// keepalive_timeout: 2 s + 2 s on the control channel that waits use, 5 s + 60 s on the transfer
// channel a get rides (src/mesh/channel-options.ts). An operation with no deadline of its own,
// started once the connection is known dead, fails within the connect timeout (20 s by default),
// or at once between attempts. Each bound is twice the worst case, and at least 10 s.
const hangBound = (worstMs: number): number => Math.max(2 * worstMs, 10_000);
const CALL_HANG_MS = hangBound(CALL_DEADLINE_MS);
const KEEPALIVE_HANG_MS = hangBound(keepaliveWorstMs());
const TRANSFER_KEEPALIVE_HANG_MS = hangBound(keepaliveWorstMs('transfer'));
const CONNECT_HANG_MS = hangBound(connectTimeoutMs());
const CONNECT_BOUND_MS = connectTimeoutMs() + 2_000;
// How long B may take to reach A again after the link is restored (measured: about 1 s): a
// connection attempt begun during the cut may have to time out first, then the reconnect
// backoff (at most 2 s) passes.
const RECONNECT_BOUND_MS = 2 * CONNECT_BOUND_MS + 2_000;

// Objects on A of several sizes: one piece, several pieces ending in a partial one, 16 MiB.
const OBJECTS = [
  { size: 100, seed: 'tiny' },
  { size: 3 * 1024 * 1024 + 17, seed: 'chunks' },
  { size: 16 * 1024 * 1024, seed: 'large' },
] as const;

describe('partition between hosts in network namespaces', () => {
  let lab: NetLab | undefined;
  let setupError: unknown;
  const nodes = new Map<string, ChildNode>();
  const addresses = new Map<string, string>();
  const basesToRemove: string[] = [];

  beforeAll(async () => {
    try {
      lab = await NetLab.create(['a', 'b', 'c']);
      for (const name of ['a', 'b', 'c']) {
        const host = lab.host(name);
        const listen = `${host.address}:${PORT}`;
        // Hosts in namespaces of one machine share its /dev/shm; separate machines do not, so
        // each keeps its object files in a directory of its own (no host reads across them).
        const sharedMemory = mkdtempSync(join(tmpdir(), `partition-${name}-`));
        basesToRemove.push(sharedMemory);
        const node = spawnFaultNode({ listen, advertise: listen, sharedMemory }, lab.command(name, []));
        nodes.set(name, node);
        await node.ready;
        addresses.set(name, await node.call<string>('address'));
      }
    } catch (error) {
      // Reported by every test (a failing beforeAll would mark them skipped instead).
      setupError = error;
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...nodes.values()].map((n) => n.kill('SIGKILL')));
    await lab?.destroy();
    for (const base of basesToRemove) rmSync(base, { recursive: true, force: true });
    // A run that died earlier left namespaces behind: they go too.
    if (lab) await removeStaleLabs();
  }, 30_000);

  /** The lab and its three processes, or the reason they could not be built. */
  function hosts(): { lab: NetLab; a: ChildNode; b: ChildNode; c: ChildNode; addressA: string; addressC: string } {
    if (setupError !== undefined || !lab) throw new Error(`The multi-host lab could not be built: ${setupError instanceof Error ? setupError.message : String(setupError)}`);
    return { lab, a: nodes.get('a')!, b: nodes.get('b')!, c: nodes.get('c')!, addressA: addresses.get('a')!, addressC: addresses.get('c')! };
  }

  // Proves: every process listens and advertises its own namespace address, and an object put on A is read from B byte for byte across the bridge.
  it('puts on host A and gets from host B', async () => {
    const { lab, a, b, addressA } = hosts();
    expect(addressA).toBe(`${lab.host('a').address}:${PORT}`);
    expect(addresses.get('b')).toBe(`${lab.host('b').address}:${PORT}`);
    const key = await a.call<MeshKey>('put', { text: 'from host A' });
    expect(key.peer).toBe(addressA);
    expect((await b.call<Described>('get', { key }))?.text).toBe('from host A');
  });

  // Proves: with A's link cut, B's operations on A's keys (and a pending wait) fail with named errors naming key and address within bounded time while B and C keep working; after the link is restored, A's objects read back byte-identical, nothing is lost, and a retried wait gets the value once set.
  it('fails loudly during a cut and loses nothing after the link is restored', async () => {
    const { lab, a, b, c, addressA, addressC } = hosts();

    // Before the cut: A holds objects and a deferred key; B reads them and waits on the key.
    const keys = await Promise.all(OBJECTS.map((o) => a.call<MeshKey>('put', o)));
    const digests = OBJECTS.map((o) => sha256(patternBytes(o.size, o.seed)));
    for (const [i, key] of keys.entries()) expect((await b.call<Described>('get', { key }))?.sha256).toBe(digests[i]);
    const onC = await c.call<MeshKey>('put', { text: 'C is unaffected' });
    const { key: deferred, capability } = await a.call<Deferred>('newKey');
    await b.call('watch', { key: deferred, tag: 'across-cut' });
    await waitFor(async () => (await a.call<Stats>('stats')).waiters === 1, 'B waits on A');
    const before = await a.call<Stats>('stats');

    const cutAt = Date.now();
    await lab.cut('a');
    expect(await lab.linkUp('a')).toBe(false);
    // A get with no deadline of its own (the connector's default is 10 min) on the connection
    // B still believes open: keepalive ends it.
    const onOpenConnection = b.call<Outcome>('timed', { inner: 'get', key: keys[2] });

    // B's operations on A's keys fail with a named error naming the key and A, within their deadline.
    const attempts: [string, MeshKey][] = [
      ['get', keys[0]!],
      ['exists', keys[1]!],
      ['get', keys[2]!],
      ['await', deferred],
    ];
    for (const [inner, key] of attempts) {
      const outcome = await settlesWithin(b.call<Outcome>('timed', { inner, key, timeoutMs: CALL_DEADLINE_MS }), `${inner} during the cut`, CALL_HANG_MS);
      const what = `${inner} during the cut: ${JSON.stringify(outcome)}`;
      expect(outcome.ok, what).toBe(false);
      expect(['PeerUnavailableError', 'DeadlineExceededError'], what).toContain(outcome.name);
      expect(outcome.message, what).toContain(formatKey(key));
      expect(outcome.message, what).toContain(addressA);
      console.info(`link cut: ${inner} with a ${CALL_DEADLINE_MS} ms deadline failed after ${outcome.elapsedMs} ms (${outcome.name})`);
    }
    // A producer on C cannot set A's key either; the key stays unset.
    const set = await settlesWithin(c.call<Outcome>('timed', { inner: 'set', key: deferred, capability, text: 'set during the cut', timeoutMs: CALL_DEADLINE_MS }), 'a set during the cut', CALL_HANG_MS);
    expect(set.ok, JSON.stringify(set)).toBe(false);
    expect(['PeerUnavailableError', 'DeadlineExceededError'], JSON.stringify(set)).toContain(set.name);
    expect(set.message).toContain(formatKey(deferred));
    // The rest of the mesh is not partitioned: B still reads from C.
    expect((await b.call<Described>('get', { key: onC, timeoutMs: CALL_DEADLINE_MS }))?.text).toBe('C is unaffected');

    // The wait B had in flight ends with PeerUnavailableError once keepalive finds the link dead
    // (a hung one is reported as `pending`, which the name check refuses).
    const [across] = await b.call<Outcome[]>('outcomes', { tag: 'across-cut', since: cutAt, timeoutMs: KEEPALIVE_HANG_MS });
    expect(across?.name, JSON.stringify(across)).toBe('PeerUnavailableError');
    expect(across?.message).toContain(formatKey(deferred));
    expect(across?.message).toContain(addressA);
    const noDeadline = await settlesWithin(onOpenConnection, 'a get without deadline on the cut connection', TRANSFER_KEEPALIVE_HANG_MS);
    expect(noDeadline.name, JSON.stringify(noDeadline)).toBe('PeerUnavailableError');
    expect(noDeadline.message).toContain(formatKey(keys[2]!));
    console.info(`link cut: the pending wait failed ${across?.elapsedMs} ms after the cut, a get without deadline ${noDeadline.elapsedMs} ms after it began`);

    // Once the connection is known dead, an operation with no deadline fails within the connect timeout.
    const reconnecting = await settlesWithin(b.call<Outcome>('timed', { inner: 'exists', key: keys[1] }), 'an exists without deadline on the dead link', CONNECT_HANG_MS);
    expect(reconnecting.name, JSON.stringify(reconnecting)).toBe('PeerUnavailableError');
    expect(reconnecting.message).toContain(formatKey(keys[1]!));
    expect(reconnecting.message).toContain(addressA);
    console.info(`link cut: an exists without deadline on the dead link failed after ${reconnecting.elapsedMs} ms`);

    // Restore the link; B reaches A again within a bound.
    const restoredAt = Date.now();
    await lab.restore('a');
    expect(await lab.linkUp('a')).toBe(true);
    await waitFor(async () => (await b.call<Outcome>('timed', { inner: 'stats', address: addressA, timeoutMs: 1_000 })).ok, 'B reaches A again', RECONNECT_BOUND_MS);
    console.info(`link restored: B reached A again ${Date.now() - restoredAt} ms later`);

    // Nothing lost or corrupted: every object reads back byte-identical and A holds what it held.
    for (const [i, key] of keys.entries()) expect((await b.call<Described>('get', { key }))?.sha256, OBJECTS[i]?.seed).toBe(digests[i]);
    expect(await b.call<boolean>('exists', { key: deferred })).toBe(false);
    // B's dead Await stream may linger on A until A's own keepalive drops it; then none is left.
    await waitFor(async () => (await a.call<Stats>('stats')).waiters === 0, 'A has dropped the wait of the cut-off B', 30_000);
    expect(await a.call<Stats>('stats')).toMatchObject({ objects: before.objects, bytes: before.bytes, pendingKeys: 1, waiters: 0 });

    // A retried wait gets the value once C sets it.
    await b.call('watch', { key: deferred, tag: 'after-restore' });
    await waitFor(async () => (await a.call<Stats>('stats')).waiters === 1, 'B waits on A again');
    await c.call('set', { key: deferred, capability, size: 2 * 1024 * 1024, seed: 'after restore' });
    const woken = await b.call<Outcome[]>('outcomes', { tag: 'after-restore', timeoutMs: 10_000 });
    expect(failures(woken)).toEqual([]);
    expect((woken[0]?.value as Described)?.sha256).toBe(sha256(patternBytes(2 * 1024 * 1024, 'after restore')));
    expect((await c.call<Stats>('stats', { address: addressC })).objects).toBe(1);
  }, 240_000);
});

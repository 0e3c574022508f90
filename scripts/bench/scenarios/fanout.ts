/**
 * Fan-out: one key, N waiters spread over a few consumer processes, all woken by one set; the
 * time from the set's start to the last waiter having the value. The peer process measures its
 * own memory (after GC) before and after the waiters register: the cost per pending waiter.
 * The peer is a fresh process of its own, so earlier scenarios' large objects do not blur its
 * memory figures; RSS is taken from the first (cold) repetition, since later ones reuse memory
 * the allocator kept from the first, while heap+external (after GC) is the median over all.
 *
 * Two modes: the real `MeshConnector.awaitKey`, whose waiters in one process share one Await
 * stream (what users get, and what the targets judge), and one raw `PeerClient.await` stream per
 * waiter, which prices a pending Await stream on the peer: what each further waiting process
 * costs.
 * @module
 */
import type { BenchConfig } from '../config.js';
import { startRole, type RoleProcess } from '../lib/child.js';
import type { MemoryNow } from '../lib/memory.js';
import { spread } from '../lib/stats.js';
import type { FanoutRep, FanoutRow } from '../results.js';
import { log, waitForWaiters, type Context } from './context.js';

interface Collected {
  readonly count: number;
  readonly p50Us: number;
  readonly lastUs: number;
}

/** How the consumer processes wait. */
interface Mode {
  readonly name: string;
  /** One raw stream per waiter instead of `awaitKey`. */
  readonly raw: boolean;
  /** Await streams the peer holds for `total` waiters in `processes` processes. */
  streams(total: number, processes: number): number;
}

const SHARED: Mode = { name: 'awaitKey (waiters of a process share one Await stream)', raw: false, streams: (_, processes) => processes };
const PER_STREAM: Mode = { name: 'one Await stream per waiter (raw PeerClient.await)', raw: true, streams: (total) => total };

async function fanoutRep(peer: RoleProcess, setter: RoleProcess, waiters: RoleProcess[], total: number, mode: Mode): Promise<FanoutRep> {
  const key = await setter.call('newKey');
  const before = await peer.call<MemoryNow>('memory');
  const each = Math.ceil(total / waiters.length);
  await Promise.all(waiters.map((w, i) => w.call('await', { key, count: Math.min(each, total - i * each), raw: mode.raw })));
  const streams = mode.streams(total, waiters.length);
  await waitForWaiters(peer, streams, 120_000);
  const after = await peer.call<MemoryNow>('memory');
  const t0 = await setter.call<number>('set', { key, size: 100 });
  const woke = await Promise.all(waiters.map((w) => w.call<Collected>('collect')));
  await setter.call('evict', { key });
  const counted = woke.reduce((n, c) => n + c.count, 0);
  if (counted !== total) throw new Error(`fan-out: ${counted} of ${total} waiters woke`);
  const rep: FanoutRep = {
    lastUs: Math.max(...woke.map((c) => c.lastUs)) - t0,
    p50Us: woke.map((c) => c.p50Us - t0).sort((a, b) => a - b)[woke.length >> 1] ?? Number.NaN,
    rssPerWaiter: (after.rss - before.rss) / total,
    heapPerWaiter: (after.heapUsed + after.external - before.heapUsed - before.external) / total,
  };
  const perStream = (rep.heapPerWaiter * total) / streams;
  log(`  fan-out ${total} (${mode.raw ? 'raw streams' : 'awaitKey'}): last woke after ${(rep.lastUs / 1000).toFixed(1)} ms; ${rep.rssPerWaiter.toFixed(0)} B RSS, ${rep.heapPerWaiter.toFixed(0)} B heap per waiter; ${perStream.toFixed(0)} B heap per stream`);
  return rep;
}

async function runMode(config: BenchConfig, ctx: Context, mode: Mode): Promise<FanoutRow> {
  const { waiters: total, processes, reps: count } = config.fanout;
  const started: RoleProcess[] = [];
  try {
    const peer = await startRole('mesh-peer');
    started.push(peer);
    const args = [(peer.info as { address: string }).address, String(ctx.redisPort)];
    const [setter, ...waiters] = await Promise.all(Array.from({ length: processes + 1 }, () => startRole('futures', args)));
    started.push(...waiters);
    if (!setter) throw new Error('fan-out: no setter');
    started.push(setter);
    const reps: FanoutRep[] = [];
    for (let r = 0; r < count; r++) reps.push(await fanoutRep(peer, setter, waiters, total, mode));
    return {
      mode: mode.name,
      judged: !mode.raw,
      waiters: total,
      processes,
      streams: mode.streams(total, processes),
      reps,
      lastUs: spread(reps.map((r) => r.lastUs)),
      rssPerWaiter: spread(reps.slice(0, 1).map((r) => r.rssPerWaiter)),
      heapPerWaiter: spread(reps.map((r) => r.heapPerWaiter)),
    };
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}

/** `awaitKey` as users get it, then one raw stream per waiter to price a stream. */
export async function runFanout(config: BenchConfig, ctx: Context): Promise<FanoutRow[]> {
  return [await runMode(config, ctx, SHARED), await runMode(config, ctx, PER_STREAM)];
}

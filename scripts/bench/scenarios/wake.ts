/**
 * Future wake-up latency: a producer process sets a key, a consumer process waiting for it has
 * the value. proxymesh waits by push (`awaitKey`), with the key owned either by a third process
 * (the peer daemon both attach to) or by the producer's own embedded peer; the baselines
 * poll Redis the way ProxyStore's futures do, every 1 ms and every 1 s (its default), with the
 * set landing at a random phase of the polling interval.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchConfig } from '../config.js';
import type { RoleProcess } from '../lib/child.js';
import { quantile } from '../lib/stats.js';
import type { WakeRow } from '../results.js';
import { log, waitForWaiters, type Context } from './context.js';

const VALUE_BYTES = 100;
/** The rows' names (report/targets.ts looks them up). */
export const PUSH_VIA_PEER = 'proxymesh push (awaitKey), key owned by a third process (peer daemon)';
export const PUSH_VIA_PRODUCER = "proxymesh push (awaitKey), key owned by the producer's embedded peer";
export const ECHO_ALONGSIDE = 'bare grpc-js unary echo (100 B), one call per sample, from the consumer process';
const WARMUP = 10;

interface Collected {
  readonly count: number;
  readonly firstUs: number;
  readonly p50Us: number;
  readonly lastUs: number;
}

function row(method: string, latencies: number[]): WakeRow {
  const r = { method, samples: latencies.length, p50Us: quantile(latencies, 0.5), p99Us: quantile(latencies, 0.99), minUs: Math.min(...latencies), maxUs: Math.max(...latencies) };
  log(`  wake ${method}: p50 ${r.p50Us.toFixed(0)} µs, p99 ${r.p99Us.toFixed(0)} µs (${r.samples} samples)`);
  return r;
}

/** Where the key lives: on the peer process, or on the producer's embedded peer. */
type Owner = 'peer' | 'producer';

/** Waits (bounded) until the producer's embedded peer counts a waiter. */
async function producerWaiter(setter: RoleProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await setter.call<{ waiters: number }>('ownStats')).waiters < 1) {
    if (Date.now() > deadline) throw new Error("the producer's peer did not see the waiter within 60 s");
    await sleep(1);
  }
}

async function pushSample(ctx: Context, owner: Owner, setter: RoleProcess, waiter: RoleProcess): Promise<number> {
  const own = owner === 'producer';
  const key = await setter.call('newKey', { own });
  await waiter.call('await', { key, count: 1 });
  if (own) await producerWaiter(setter);
  else await waitForWaiters(ctx.peer, 1);
  const t0 = await setter.call<number>('set', { key, size: VALUE_BYTES, own });
  const woke = await waiter.call<Collected>('collect');
  await setter.call('evict', { key, own });
  return woke.lastUs - t0;
}

async function pollSample(i: number, intervalMs: number, setter: RoleProcess, waiter: RoleProcess): Promise<number> {
  const key = `future:${intervalMs}:${i}`;
  await waiter.call('poll', { key, intervalMs });
  await sleep(Math.random() * intervalMs);
  const t0 = await setter.call<number>('redisSet', { key, size: VALUE_BYTES });
  const woke = await waiter.call<Collected>('collect');
  return woke.lastUs - t0;
}

export async function runWake(config: BenchConfig, ctx: Context, setter: RoleProcess, waiter: RoleProcess): Promise<WakeRow[]> {
  const owners = { peer: [] as number[], producer: [] as number[] };
  // The latency floor at the same cadence: one unary echo from the consumer process per sample,
  // isolated like a wake-up, not back to back like the get table's (see report/markdown.ts).
  const echoes: number[] = [];
  for (const owner of ['peer', 'producer'] as const) for (let i = 0; i < WARMUP; i++) await pushSample(ctx, owner, setter, waiter);
  // Interleaved, so background load lands on both layouts alike.
  for (let i = 0; i < config.wake.push; i++) {
    for (const owner of ['peer', 'producer'] as const) owners[owner].push(await pushSample(ctx, owner, setter, waiter));
    echoes.push(await waiter.call<number>('echo', { size: VALUE_BYTES }));
  }
  const rows = [row(PUSH_VIA_PEER, owners.peer), row(PUSH_VIA_PRODUCER, owners.producer), row(ECHO_ALONGSIDE, echoes)];
  for (const [intervalMs, samples] of [
    [1, config.wake.poll1ms],
    [1000, config.wake.poll1s],
  ] as const) {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) latencies.push(await pollSample(i, intervalMs, setter, waiter));
    rows.push(row(`Redis polling every ${intervalMs === 1 ? '1 ms' : '1 s'} (ProxyStore)`, latencies));
  }
  return rows;
}

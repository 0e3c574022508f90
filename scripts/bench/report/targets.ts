/**
 * The targets of issue 5, evaluated on one run's results.
 * @module
 */
import { GiB, MiB, largeSizes, sizeLabel } from '../config.js';
import type { Results } from '../results.js';
import { mib, ratio, us } from './format.js';
import { find, latencyRatio, sizes, throughputRatio } from './lookup.js';
import { ECHO_ALONGSIDE } from '../scenarios/wake.js';
import { CONTRACT_BOUND } from '../scenarios/batches.js';

/** One target: what it asks, what was measured, whether it is met (undefined: not measured). */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

const check = (target: string, value: number, ok: (v: number) => boolean, measured: string): TargetCheck => ({
  target,
  measured: Number.isFinite(value) ? measured : 'not measured',
  met: Number.isFinite(value) ? ok(value) : undefined,
});

export function evaluateTargets(results: Results): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const size of largeSizes(sizes(results))) {
    const g = throughputRatio(results, 'grpc-stream', 'get', size);
    const r = throughputRatio(results, 'redis', 'get', size);
    const t = throughputRatio(results, 'tcp', 'get', size);
    // What limits it: the same stream with the checksum the contract asks of a receiver (Tuning §21).
    const checked = find(results, 'grpc-checked', 'get', size);
    const stream = find(results, 'grpc-stream', 'get', size);
    const bound = checked && stream ? `; the stream with the receiver's checksum: ${ratio(checked.throughput.median / stream.throughput.median)}` : '';
    checks.push(check(`get ${sizeLabel(size)}: ≥ 0.9× bare grpc-js stream`, g, (v) => v >= 0.9, `${ratio(g)} (raw TCP: ${ratio(t)}${bound})`));
    checks.push(check(`get ${sizeLabel(size)}: ≥ 1.5× Redis`, r, (v) => v >= 1.5, ratio(r)));
  }
  for (const size of [100, 4096]) {
    const v = latencyRatio(results, 'grpc-unary', 'get', size);
    const mine = find(results, 'proxymesh', 'get', size);
    checks.push(check(`get ${sizeLabel(size)} p50: ≤ 1.15× bare grpc-js unary`, v, (x) => x <= 1.15, `${ratio(v)} (${us(mine?.p50Us ?? Number.NaN)})`));
  }
  const poll1s = results.wake.find((w) => w.method.includes('1 s'));
  const echo = find(results, 'grpc-unary', 'get', 100);
  const alongside = results.wake.find((w) => w.method === ECHO_ALONGSIDE);
  for (const push of results.wake.filter((w) => w.method.startsWith('proxymesh'))) {
    const owner = push.method.includes('producer') ? "producer's peer owns the key" : 'a third process owns the key';
    // Judged against the echo timed alongside (same processes, same cadence); the back-to-back echo of the get table is shown too.
    const vsAlongside = alongside ? push.p50Us / alongside.p50Us : Number.NaN;
    const vsLoop = echo ? push.p50Us / echo.p50Us : Number.NaN;
    checks.push(
      check(`future wake-up p50 (${owner}): ≤ 1.3× bare grpc-js unary (100 B)`, vsAlongside, (v) => v <= 1.3, `${ratio(vsAlongside)} the echo timed alongside (${us(push.p50Us)} vs ${us(alongside?.p50Us ?? Number.NaN)}); ${ratio(vsLoop)} the back-to-back echo`),
    );
    const vsPoll = poll1s ? poll1s.p50Us / push.p50Us : Number.NaN;
    checks.push(check(`future wake-up p50 (${owner}): ≥ 100× lower than 1 s polling`, vsPoll, (v) => v >= 100, `${ratio(vsPoll)} lower`));
  }
  for (const op of ['get', 'put'] as const) {
    const mine = results.batches.find((b) => b.system === 'proxymesh' && b.op === op);
    const redis = results.batches.find((b) => b.system === 'redis' && b.op === op);
    const bound = results.batches.find((b) => b.system === CONTRACT_BOUND && b.op === op);
    const v = mine && redis ? mine.throughput.median / redis.throughput.median : Number.NaN;
    // What limits it: the least a batch RPC under the contract does, on bare grpc-js (Tuning §20).
    const limit = bound && redis ? `; bare grpc-js with a checksum and a key per object: ${ratio(bound.throughput.median / redis.throughput.median)}` : '';
    checks.push(check(`${op}Batch 1,000 × 4 KiB: ≥ 1× Redis ${op === 'get' ? 'MGET' : 'MSET'}`, v, (x) => x >= 1, `${ratio(v)}${limit}`));
  }
  for (const f of results.fanout.filter((x) => x.judged)) {
    checks.push(check(`${f.waiters.toLocaleString('en')} waiters on one key all woken within 1 s`, f.lastUs.median, (v) => v <= 1e6, `${us(f.lastUs.median)} (max ${us(f.lastUs.max)})`));
    const perWaiter = Math.max(f.rssPerWaiter.median, f.heapPerWaiter.median);
    checks.push(check('≤ 4 KiB of peer memory per pending waiter (the larger of RSS and heap+external)', perWaiter, (v) => v <= 4096, `${(f.rssPerWaiter.median / 1024).toFixed(2)} KiB RSS, ${(f.heapPerWaiter.median / 1024).toFixed(2)} KiB heap+external`));
  }
  const c = results.consumer.find((r) => r.system === 'proxymesh');
  if (c) {
    const limit = c.size >= GiB ? 1.5 * GiB : 1.5 * c.size + 256 * MiB;
    checks.push(check(`consumer peak memory getting ${sizeLabel(c.size)}: ≤ ${mib(limit)}`, c.peakBytes, (v) => v <= limit, mib(c.peakBytes)));
  }
  return checks;
}

/**
 * The result tables of BENCHMARKS.md, one function per scenario.
 * @module
 */
import { sizeLabel } from '../config.js';
import type { Results } from '../results.js';
import { mbps, mbpsSpread, mib, ratio, table, us } from './format.js';
import { find, latencyRatio, sizes, throughputRatio } from './lookup.js';

const BASELINES = ['tcp', 'grpc-unary', 'grpc-stream', 'redis'] as const;

export function transferTable(results: Results, op: 'get' | 'put'): string {
  const rows = results.transfers
    .filter((r) => r.op === op)
    .map((r) => [sizeLabel(r.size), String(r.concurrency), r.system === 'proxymesh' ? '**proxymesh**' : r.system, us(r.p50Us), us(r.p99Us), `${us(r.p50Spread.min)}–${us(r.p50Spread.max)}`, mbpsSpread(r.throughput)]);
  return table(['size', 'conc.', 'system', 'p50', 'p99', 'p50 over reps (min–max)', 'MB/s median (min–max over reps)'], rows);
}

export function ratioTable(results: Results): string {
  const rows: string[][] = [];
  for (const op of ['get', 'put'] as const) {
    for (const size of sizes(results)) {
      for (const concurrency of [1, 64]) {
        if (!find(results, 'proxymesh', op, size, concurrency)) continue;
        rows.push([
          op,
          sizeLabel(size),
          String(concurrency),
          ...BASELINES.map((b) => {
            const t = throughputRatio(results, b, op, size, concurrency);
            const l = latencyRatio(results, b, op, size, concurrency);
            return Number.isFinite(t) ? `${ratio(t)} / ${ratio(l)}` : '–';
          }),
        ]);
      }
    }
  }
  return table(['op', 'size', 'conc.', 'vs raw TCP', 'vs grpc-js unary', 'vs grpc-js stream', 'vs Redis'], rows);
}

export function batchTable(results: Results): string {
  return table(
    ['op', 'system', 'objects × size', 'p50 per batch', 'p99', 'MB/s median (min–max)'],
    results.batches.map((b) => [b.op === 'get' ? 'getBatch / MGET' : 'putBatch / MSET', b.system, `${b.count} × ${sizeLabel(b.size)}`, us(b.p50Us), us(b.p99Us), mbpsSpread(b.throughput)]),
  );
}

export function wakeTable(results: Results): string {
  return table(
    ['waiting by', 'samples', 'p50', 'p99', 'min', 'max'],
    results.wake.map((w) => [w.method, String(w.samples), us(w.p50Us), us(w.p99Us), us(w.minUs), us(w.maxUs)]),
  );
}

export function fanoutTable(results: Results): string {
  return table(
    ['waiting', 'waiters', 'processes', 'Await streams on the peer', 'reps', 'set → last woken, median (min–max)', 'set → median waiter', 'peer RSS per waiter (cold, first rep)', 'peer heap+external per waiter, median (min–max)', 'peer heap+external per stream, median'],
    results.fanout.map((f) => [
      f.mode,
      f.waiters.toLocaleString('en'),
      String(f.processes),
      f.streams.toLocaleString('en'),
      String(f.reps.length),
      `${us(f.lastUs.median)} (${us(f.lastUs.min)}–${us(f.lastUs.max)})`,
      us(f.reps.map((r) => r.p50Us).sort((a, b) => a - b)[f.reps.length >> 1] ?? Number.NaN),
      `${f.rssPerWaiter.median.toFixed(0)} B`,
      `${f.heapPerWaiter.median.toFixed(0)} B (${f.heapPerWaiter.min.toFixed(0)}–${f.heapPerWaiter.max.toFixed(0)})`,
      // A handful of streams is lost in the noise of a heap measurement: priced only by the many-stream row.
      f.streams >= 100 ? `${((f.heapPerWaiter.median * f.waiters) / f.streams).toFixed(0)} B` : '–',
    ]),
  );
}

export function consumerTable(results: Results): string {
  return table(
    ['system', 'object', 'RSS before', 'peak RSS', 'peak ÷ object', 'get took'],
    results.consumer.map((c) => [c.system, sizeLabel(c.size), mib(c.beforeBytes), mib(c.peakBytes), ratio(c.peakBytes / c.size), `${c.seconds.toFixed(2)} s`]),
  );
}

export function meshTable(results: Results): string {
  return table(
    ['peer processes', 'object', 'gets', 'failed gets', 'bytes moved', 'wall time', 'aggregate MB/s', 'p50 get (all at once)'],
    results.mesh.map((m) => [String(m.nodes), sizeLabel(m.size), String(m.gets), m.failed > 0 ? `${m.failed}: ${(m.firstFailure ?? '').slice(0, 120)}` : '0', mib(m.bytes), `${m.seconds.toFixed(2)} s`, mbps(m.throughput), us(m.p50Us)]),
  );
}

export function largePrototypeTable(results: Results): string {
  const { large } = results.prototypes;
  const configs = [...new Set(large.map((p) => p.config))];
  const keys = [...new Set(large.map((p) => `${p.op} ${p.size}`))];
  const rows = keys.map((k) => {
    const of = large.filter((p) => `${p.op} ${p.size}` === k);
    // Gains are shown against the first configuration measured: the default.
    const base = of.find((p) => p.config === configs[0]);
    const first = of[0];
    return [
      first?.op ?? '',
      sizeLabel(first?.size ?? 0),
      ...configs.map((c) => {
        const p = of.find((x) => x.config === c);
        if (!p) return '–';
        return c === configs[0] || !base ? mbpsSpread(p.throughput) : `${mbpsSpread(p.throughput)} **${ratio(p.throughput.median / base.throughput.median)}**`;
      }),
    ];
  });
  return table(['op', 'size', ...configs.map((c) => `${c} MB/s (min–max)`)], rows);
}

export function smallPrototypeTable(results: Results): string {
  const { small } = results.prototypes;
  return table(
    ['system', 'conc.', 'p50', 'p99', 'ops/s median (min–max)', 'p50 ÷ grpc-js unary'],
    small.map((p) => {
      const floor = small.find((x) => x.system === 'grpc-unary' && x.concurrency === p.concurrency);
      const o = p.opsPerSecond;
      return [p.system, String(p.concurrency), us(p.p50Us), us(p.p99Us), `${o.median.toFixed(0)} (${o.min.toFixed(0)}–${o.max.toFixed(0)})`, floor ? ratio(p.p50Us / floor.p50Us) : '–'];
    }),
  );
}

export function retainedPrototypeTable(results: Results): string {
  return table(
    ['client', 'gets finished', 'heap+external still held per get (after GC)', 'RSS growth', 'put MB/s before the gets', 'put MB/s after'],
    results.prototypes.retained.map((p) => [p.system, p.calls.toLocaleString('en'), `${p.heapPerCall.toFixed(0)} B`, mib(p.rssDeltaBytes), `${sizeLabel(p.putSize)}: ${mbpsSpread(p.putBefore)}`, mbpsSpread(p.putAfter)]),
  );
}

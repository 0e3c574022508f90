/**
 * Batches of 1,000 small objects: proxymesh's `getBatch`/`putBatch` against Redis MGET/MSET,
 * and two bounds on what a batch RPC on grpc-js could reach: the same objects with only the
 * per-object work the contract asks for (a checksum each, a key each: lib/packed-objects.ts),
 * and the same bytes moved as one object.
 * @module
 */
import type { BenchConfig } from '../config.js';
import type { LoopResult } from '../lib/loop.js';
import { spread } from '../lib/stats.js';
import type { BatchRow } from '../results.js';
import { log, rate, type Context } from './context.js';
import { transfer } from './transfers.js';

/** The row of bare grpc-js doing only the contract's per-object work (the report's targets name it). */
export const CONTRACT_BOUND = 'grpc-stream: the same objects, a checksum and a key each (bound for a batch RPC under the contract)';

export async function runBatches(config: BenchConfig, ctx: Context): Promise<BatchRow[]> {
  const { count, size, plan } = config.batch;
  const rows: BatchRow[] = [];
  for (const op of ['get', 'put'] as const) {
    for (const system of ['redis', 'proxymesh', 'grpc-stream'] as const) {
      const r = await ctx.clients[system].call<LoopResult>('batch', { op, count, size, plan });
      const name = system === 'grpc-stream' ? CONTRACT_BOUND : system;
      const row: BatchRow = { system: name, op, count, size, p50Us: r.p50Us, p99Us: r.p99Us, throughput: spread(r.reps.map((x) => (x.ops * count * size) / x.seconds)) };
      log(`  batch ${op} ${count}×${size} ${system}: p50 ${(row.p50Us / 1000).toFixed(1)} ms, ${rate(row.throughput.median)}`);
      rows.push(row);
    }
    // What a batch RPC could reach: the same bytes as one object in one stream.
    for (const system of ['grpc-stream', 'proxymesh'] as const) {
      const t = await transfer(ctx.clients[system], system, op, count * size, plan);
      rows.push({ system: `${system}: the same bytes as one object (bound for a batch RPC)`, op, count, size, p50Us: t.p50Us, p99Us: t.p99Us, throughput: t.throughput });
    }
  }
  return rows;
}

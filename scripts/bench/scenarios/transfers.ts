/**
 * Gets and puts of every size, at concurrency 1 and (small sizes) 64. For each size, op and
 * concurrency, every system is prepared, then the repetitions are interleaved round-robin
 * (rotating the order each round), so background load on a shared machine spreads over all
 * systems instead of skewing one ratio. A measurement that fails is recorded and tried once more.
 * @module
 */
import { LARGE, largeSizes, sizeLabel, type BenchConfig } from '../config.js';
import { SYSTEMS } from '../drivers/make.js';
import { collectAll, type RoleProcess } from '../lib/child.js';
import type { LoopPlan, LoopResult, RepResult } from '../lib/loop.js';
import { quantile, spread } from '../lib/stats.js';
import type { TransferRow } from '../results.js';
import { log, rate, type Context } from './context.js';

/** The largest object that fits one gRPC message with proxymesh's limits (4 MiB + 64 KiB). */
const UNARY_MAX = 4 * 1024 * 1024;

/** Summarises repetitions and latencies into a row. */
export function toRow(system: string, op: 'get' | 'put', size: number, concurrency: number, reps: RepResult[], latencies: number[]): TransferRow {
  const row: TransferRow = {
    system,
    op,
    size,
    concurrency,
    p50Us: quantile(latencies, 0.5),
    p99Us: quantile(latencies, 0.99),
    throughput: spread(reps.map((x) => (x.ops * size) / x.seconds)),
    p50Spread: spread(reps.map((x) => x.p50Us)),
    reps,
  };
  log(`  ${op} ${sizeLabel(size)} ×${concurrency} ${system}: p50 ${row.p50Us.toFixed(0)} µs, ${rate(row.throughput.median)}`);
  return row;
}

/** Runs one whole loop in one client process and summarises it. */
export async function transfer(client: RoleProcess, system: string, op: 'get' | 'put', size: number, plan: LoopPlan): Promise<TransferRow> {
  const r = await client.call<LoopResult>('transfer', { op, size, plan });
  return toRow(system, op, size, plan.concurrency, r.reps, r.latenciesUs);
}

/** One size, op and concurrency on several clients (name → process), repetitions interleaved. */
export async function interleaved(clients: readonly (readonly [string, RoleProcess])[], op: 'get' | 'put', size: number, plan: LoopPlan): Promise<TransferRow[]> {
  const reps = clients.map((): RepResult[] => []);
  const latencies = clients.map((): number[] => []);
  try {
    for (const [, client] of clients) await client.call('prepare', { op, size, concurrency: plan.concurrency });
    for (let round = 0; round < plan.reps; round++) {
      for (let k = 0; k < clients.length; k++) {
        const i = (k + round) % clients.length;
        const r = await (clients[i] as readonly [string, RoleProcess])[1].call<LoopResult>('loop', { plan: { ...plan, warmupOps: round === 0 ? plan.warmupOps : 0, reps: 1 } });
        reps[i]?.push(...r.reps);
        latencies[i]?.push(...r.latenciesUs);
        // Untimed: one system's dead large buffers must not press on the memory the next one needs.
        if (size >= LARGE) await collectAll();
      }
    }
  } finally {
    await Promise.all(clients.map(([, client]) => client.call('finish')));
  }
  return clients.map(([name], i) => toRow(name, op, size, plan.concurrency, reps[i] ?? [], latencies[i] ?? []));
}

export async function runTransfers(config: BenchConfig, ctx: Context, errors: string[]): Promise<TransferRow[]> {
  const rows: TransferRow[] = [];
  for (const size of config.sizes) {
    const concurrencies = config.concurrentSizes.includes(size) ? [1, config.highConcurrency] : [1];
    for (const op of ['get', 'put'] as const) {
      const systems = SYSTEMS.filter((s) => (s !== 'grpc-unary' || size <= UNARY_MAX) && (s !== 'grpc-checked' || (op === 'get' && largeSizes(config.sizes).includes(size))));
      for (const concurrency of concurrencies) {
        // A failed measurement is recorded, then tried once more (connections can drop under load).
        for (let attempt = 1; attempt <= 2; attempt++) {
          try {
            rows.push(...(await interleaved(systems.map((s) => [s, ctx.clients[s]] as const), op, size, config.loop(size, concurrency))));
            break;
          } catch (error) {
            errors.push(`${op} ${sizeLabel(size)} ×${concurrency}, attempt ${attempt}: ${String(error)}`);
            log(`  FAILED ${op} ${sizeLabel(size)} ×${concurrency}, attempt ${attempt}: ${String(error)}`);
          }
        }
      }
    }
    if (size >= LARGE) await Promise.all(SYSTEMS.map((s) => ctx.clients[s].call('release')));
  }
  return rows;
}

/**
 * Large gets and puts with an embedded owner in another process: the owner put the object into
 * its own `new MeshConnector()`; a consumer process gets it with its own default connector; a
 * putter attached to the owner's peer puts into it. Baseline: the bare grpc-js stream of 1 MiB
 * pieces whose receiver assembles the object, between processes started the same way. Each size
 * gets fresh processes: their first transfer is shown apart (and gives the consumer's peak RSS
 * over one get), untimed ones warm them up, later ones make the throughput. Default flags, no forced GC.
 * @module
 */
import { sizeLabel, type WorkflowPlan } from '../config.js';
import type { RoleProcess } from '../lib/child.js';
import { spread } from '../lib/stats.js';
import { log, rate } from '../scenarios/context.js';
import { startUser, withUsers } from './spawn.js';
import type { LargeRow, PeakRow } from './types.js';

interface Transfer {
  readonly ms: number;
  readonly maxRssBefore?: number;
  readonly maxRssAfter?: number;
}

type Op = () => Promise<Transfer>;

/** Rep 0 (fresh), `warmup` untimed reps, then `reps`; the systems alternate within every rep. */
async function measure(warmup: number, reps: number, ops: Record<string, Op>): Promise<Record<string, Transfer[]>> {
  const out: Record<string, Transfer[]> = Object.fromEntries(Object.keys(ops).map((k) => [k, []]));
  for (let r = 0; r <= warmup + reps; r++) {
    for (const [name, op] of Object.entries(ops)) {
      const t = await op();
      if (r === 0 || r > warmup) out[name]?.push(t);
    }
  }
  return out;
}

async function runSize(size: number, plan: WorkflowPlan['large'], rows: LargeRow[], peaks: PeakRow[]): Promise<void> {
  // The fresh transfer counts towards the warm-up's bytes.
  const warmup = Math.max(0, Math.ceil(plan.warmupBytes / size) - 1);
  const server = await startUser('raw-grpc', ['server']);
  try {
    const port = String((server.info as { port: number }).port);
    await withUsers([startUser('large-user'), startUser('large-user'), startUser('large-user'), startUser('raw-grpc', ['client', port])], async (procs) => {
      const [owner, consumer, putter, bare] = procs as [RoleProcess, RoleProcess, RoleProcess, RoleProcess];
      const { key, address } = await owner.call<{ key: unknown; address: string }>('own', { size });
      const results = await measure(warmup, plan.reps, {
        'proxymesh get': () => consumer.call<Transfer>('get', { key, size }),
        'grpc-stream get': () => bare.call<Transfer>('get', { size }),
        'proxymesh put': () => putter.call<Transfer>('putTo', { address, size }),
        'grpc-stream put': () => bare.call<Transfer>('put', { size }),
      });
      for (const [name, transfers] of Object.entries(results)) {
        const [system, op] = name.split(' ') as [LargeRow['system'], LargeRow['op']];
        const [first, ...later] = transfers;
        if (!first) continue;
        const throughput = spread(later.map((t) => size / (t.ms / 1000)));
        rows.push({ system, op, size, freshMs: first.ms, throughput, reps: later.length });
        log(`  ${name} ${sizeLabel(size)}: fresh ${first.ms.toFixed(0)} ms, then ${rate(throughput.median)} (${rate(throughput.min)}–${rate(throughput.max)})`);
        // The fresh consumer's first get is the peak-memory measurement of one get.
        if (op === 'get' && first.maxRssAfter !== undefined) peaks.push({ system, size, beforeBytes: first.maxRssBefore ?? 0, peakBytes: first.maxRssAfter });
      }
    });
  } finally {
    await server.stop();
  }
}

export async function runLarge(plan: WorkflowPlan['large']): Promise<{ large: LargeRow[]; peak: PeakRow[] }> {
  const large: LargeRow[] = [];
  const peak: PeakRow[] = [];
  for (const size of plan.sizes) await runSize(size, plan, large, peak);
  return { large, peak };
}

/**
 * The measurement loop a client process runs: warm-up, then repetitions, each bounded in
 * operations and in time, with `concurrency` workers issuing operations back to back.
 * @module
 */
import { nowUs, quantile } from './stats.js';

/** How much to run. */
export interface LoopPlan {
  readonly warmupOps: number;
  /** No warm-up operation starts after this many milliseconds (default: `maxMsPerRep`). */
  readonly warmupMs?: number;
  readonly reps: number;
  /** Most operations in one repetition. */
  readonly opsPerRep: number;
  /** No operation starts after this many milliseconds of a repetition (at least one runs). */
  readonly maxMsPerRep: number;
  readonly concurrency: number;
}

/** One repetition. */
export interface RepResult {
  readonly ops: number;
  readonly seconds: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** All repetitions, and percentiles over every measured operation. */
export interface LoopResult {
  readonly reps: RepResult[];
  readonly p50Us: number;
  readonly p99Us: number;
  /** Every measured latency, so an orchestrator can pool repetitions run in separate calls. */
  readonly latenciesUs: number[];
}

async function burst(maxOps: number, maxMs: number, concurrency: number, op: (worker: number) => Promise<void>, latencies: number[]): Promise<void> {
  const deadline = nowUs() + maxMs * 1000;
  let started = 0;
  const worker = async (w: number): Promise<void> => {
    while (started < maxOps && (started === 0 || nowUs() < deadline)) {
      started++;
      const t = nowUs();
      await op(w);
      latencies.push(nowUs() - t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, maxOps) }, (_, w) => worker(w)));
}

/** Runs the plan; `afterRep` (untimed) cleans up after each repetition and the warm-up. */
export async function runLoop(plan: LoopPlan, op: (worker: number) => Promise<void>, afterRep: () => Promise<void> = async () => {}): Promise<LoopResult> {
  if (plan.warmupOps > 0) await burst(plan.warmupOps, plan.warmupMs ?? plan.maxMsPerRep, plan.concurrency, op, []);
  await afterRep();
  const reps: RepResult[] = [];
  const all: number[] = [];
  for (let r = 0; r < plan.reps; r++) {
    const latencies: number[] = [];
    const t = nowUs();
    await burst(plan.opsPerRep, plan.maxMsPerRep, plan.concurrency, op, latencies);
    const seconds = (nowUs() - t) / 1e6;
    await afterRep();
    reps.push({ ops: latencies.length, seconds, p50Us: quantile(latencies, 0.5), p99Us: quantile(latencies, 0.99) });
    all.push(...latencies);
  }
  return { reps, p50Us: quantile(all, 0.5), p99Us: quantile(all, 0.99), latenciesUs: all };
}

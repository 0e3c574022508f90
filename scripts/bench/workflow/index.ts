/**
 * The workflow group (issue 13): the rows measured on the path users run, the headline of
 * BENCHMARKS.md. Every process standing for a user is plain `node` on a `.mjs` file that imports
 * the package by its name (dist/, rebuilt first when stale), with Node's default flags and no
 * forced GC; the baselines start the same way in the same run. Each part that fails is recorded
 * in `errors` and the others go on.
 * @module
 */
import type { WorkflowPlan } from '../config.js';
import { log } from '../scenarios/context.js';
import { ensureDist } from './dist.js';
import { runHops } from './hops.js';
import { runLarge } from './large.js';
import { runPipelining } from './pipelining.js';
import { runRoundTrip } from './round-trip.js';
import type { WorkflowResults } from './types.js';

async function part<T>(name: string, fallback: T, errors: string[], body: () => Promise<T>): Promise<T> {
  log(` workflow: ${name}`);
  try {
    return await body();
  } catch (error) {
    errors.push(`workflow ${name}: ${String(error)}`);
    log(`  FAILED workflow ${name}: ${String(error)}`);
    return fallback;
  }
}

export async function runWorkflow(plan: WorkflowPlan, redisPort: number, errors: string[]): Promise<WorkflowResults> {
  const t0 = performance.now();
  ensureDist();
  const pipelined = (): Promise<WorkflowResults['pipelining']> => part('task pipelining', [], errors, () => runPipelining(plan.pipeline, redisPort, errors));
  const rest = async () => {
    const { hops, bareHops } = await part('future hops', { hops: [], bareHops: [] }, errors, () => runHops(plan.hops));
    const roundTrip = await part('small future round trip', [], errors, () => runRoundTrip(plan.roundTrip));
    const { large, peak } = await part('large gets and puts', { large: [], peak: [] }, errors, () => runLarge(plan.large));
    return { hops, bareHops, roundTrip, large, peak };
  };
  // A quick run (a smoke test, its figures not for comparison) overlaps the pipelining with the
  // other parts, so the quick suite stays well within its test's time limit.
  const [pipelining, others] = plan.overlap ? await Promise.all([pipelined(), rest()]) : [await pipelined(), await rest()];
  return { pipelining, ...others, seconds: (performance.now() - t0) / 1000 };
}

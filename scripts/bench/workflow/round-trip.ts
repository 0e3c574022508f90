/**
 * The small future round trip: A sets k1; B, awaiting k1, sets k2; A, awaiting k2, has it (A owns
 * both futures), with a pause before each round, so every round starts from idle processes as
 * isolated events do in a workflow. Its baseline in the same run: a bare grpc-js unary echo of
 * 100 B with the same pause before each call, so idle wake-ups cost both alike; and the round
 * trip's own shape in bare grpc-js (a push on an open server stream answered by a new
 * client-stream call), which shows what its two calls cost without the library. Interleaved in
 * blocks, so background load lands on all of them.
 * @module
 */
import type { WorkflowPlan } from '../config.js';
import type { RoleProcess } from '../lib/child.js';
import { quantile } from '../lib/stats.js';
import { log } from '../scenarios/context.js';
import { startUser, withUsers } from './spawn.js';
import { ROUND_TRIP, ROUND_TRIP_MAIN, SAME_SHAPE, UNARY_ECHO, type RoundTripRow } from './types.js';

function row(system: string, pauseMs: number, ms: number[]): RoundTripRow {
  const r = { system, pauseMs, samples: ms.length, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99) };
  log(`  ${system}: p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms (${r.samples})`);
  return r;
}

/**
 * The round trip, its echo baseline, and an extra row with A's peer on its main thread: the
 * default puts it on a worker thread, which costs A two more thread wake-ups per round (its set
 * of k1 crosses to the worker, and B's set of k2 crosses back); the extra row measures what
 * those hops cost.
 */
export async function runRoundTrip(plan: WorkflowPlan['roundTrip']): Promise<RoundTripRow[]> {
  const server = await startUser('raw-grpc', ['server']);
  try {
    const port = String((server.info as { port: number }).port);
    const rows = await withUsers([startUser('round-trip'), startUser('round-trip'), startUser('raw-grpc', ['client', port])], async (procs) => {
      const [a, b, echo] = procs as [RoleProcess, RoleProcess, RoleProcess];
      const per = Math.ceil(plan.rounds / plan.blocks);
      const total = plan.warmup + per * plan.blocks;
      await b.call('answer', { rounds: await a.call<string>('make', { count: total }) });
      await echo.call('shapeAnswer');
      const { pauseMs } = plan;
      const shape = (count: number): Promise<number[]> => server.call<number[]>('shapeLoop', { count, pauseMs, size: 100 });
      // Untimed warm-up of all three: first calls open channels and start threads.
      await a.call('run', { from: 0, count: plan.warmup, pauseMs });
      await echo.call('echoLoop', { count: plan.warmup, pauseMs, size: 100 });
      await shape(plan.warmup);
      const mine: number[] = [];
      const theirs: number[] = [];
      const shaped: number[] = [];
      for (let block = 0; block < plan.blocks; block++) {
        mine.push(...(await a.call<number[]>('run', { from: plan.warmup + block * per, count: per, pauseMs })));
        theirs.push(...(await echo.call<number[]>('echoLoop', { count: per, pauseMs, size: 100 })));
        shaped.push(...(await shape(per)));
      }
      return [row(ROUND_TRIP, pauseMs, mine), row(UNARY_ECHO, pauseMs, theirs), row(SAME_SHAPE, pauseMs, shaped)];
    });
    const main = JSON.stringify({ thread: 'main' });
    const extra = await withUsers([startUser('round-trip', [main]), startUser('round-trip')], async (procs) => {
      const [a, b] = procs as [RoleProcess, RoleProcess];
      const total = plan.warmup + plan.rounds;
      await b.call('answer', { rounds: await a.call<string>('make', { count: total }) });
      await a.call('run', { from: 0, count: plan.warmup, pauseMs: plan.pauseMs });
      return row(ROUND_TRIP_MAIN, plan.pauseMs, await a.call<number[]>('run', { from: plan.warmup, count: plan.rounds, pauseMs: plan.pauseMs }));
    });
    return [...rows, extra];
  } finally {
    await server.stop();
  }
}

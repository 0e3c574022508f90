/**
 * A client process for one system (argv: system, target): runs measurement loops of gets,
 * puts and batches against that system's server process, and reports their timings.
 * A measurement is either one `transfer` call, or `prepare`, several `loop` calls (so the
 * orchestrator can interleave repetitions of several systems) and `finish`.
 * @module
 */
import { makeDriver, PROTOTYPE_SYSTEMS, SYSTEMS, type AnySystem } from '../drivers/make.js';
import type { Op } from '../drivers/driver.js';
import { runLoop, type LoopPlan } from '../lib/loop.js';
import { num, serve, str } from '../lib/serve.js';
import { releaseSource } from '../lib/source.js';
import { memoryNow } from '../lib/memory.js';

const [system, target] = process.argv.slice(2);
const known: readonly string[] = [...SYSTEMS, ...PROTOTYPE_SYSTEMS];
if (system === undefined || !known.includes(system) || target === undefined) throw new Error(`usage: client <${known.join('|')}> <target>`);
const driver = await makeDriver(system as AnySystem, target);

const planOf = (args: Record<string, unknown>): LoopPlan => args.plan as LoopPlan;

async function measure(op: Op, isPut: boolean, plan: LoopPlan): Promise<unknown> {
  const noop = async (): Promise<void> => {};
  try {
    return await runLoop(plan, op, isPut ? () => driver.cleanup() : noop);
  } finally {
    await driver.cleanup();
  }
}

/** The operation `prepare` made, for the `loop` calls that follow (interleaved repetitions). */
let prepared: { op: Op; isPut: boolean } | undefined;

await serve({
  prepare: async (args) => {
    const size = num(args, 'size');
    const concurrency = num(args, 'concurrency');
    const isPut = str(args, 'op') === 'put';
    prepared = { op: isPut ? await driver.preparePut(size, concurrency) : await driver.prepareGet(size, concurrency), isPut };
    return null;
  },
  loop: async (args) => {
    if (!prepared) throw new Error('loop before prepare');
    return runLoop(planOf(args), prepared.op, prepared.isPut ? () => driver.cleanup() : async () => {});
  },
  finish: async () => {
    prepared = undefined;
    await driver.cleanup();
    return null;
  },
  transfer: async (args) => {
    const size = num(args, 'size');
    const plan = planOf(args);
    const isPut = str(args, 'op') === 'put';
    const op = isPut ? await driver.preparePut(size, plan.concurrency) : await driver.prepareGet(size, plan.concurrency);
    return measure(op, isPut, plan);
  },
  batch: async (args) => {
    const count = num(args, 'count');
    const size = num(args, 'size');
    const isPut = str(args, 'op') === 'put';
    if (!driver.prepareGetBatch || !driver.preparePutBatch) throw new Error(`${system} has no batches`);
    const op = isPut ? await driver.preparePutBatch(count, size) : await driver.prepareGetBatch(count, size);
    return measure(op, isPut, planOf(args));
  },
  stage: async (args) => {
    const size = num(args, 'size');
    const key = await driver.stage(size);
    releaseSource();
    return key;
  },
  release: async () => {
    await driver.cleanup();
    releaseSource();
  },
  memory: async () => memoryNow(),
  close: async () => driver.close(),
});

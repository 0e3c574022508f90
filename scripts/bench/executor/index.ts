/**
 * The executor group (issue 16): one BullMQ workflow (a client process submitting tasks at
 * once, worker processes taking them from the queue; Node's default flags), each task's input
 * and result `size` bytes. *proxy*: StoreExecutor sends them as proxies, so jobs carry
 * references and the bytes move between the processes' mesh peers. *value* (the baseline):
 * the same executor passes them by value, base64 inside the jobs, through Redis.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { sizeLabel } from '../config.js';
import { startProcess, type RoleProcess } from '../lib/child.js';
import { quantile, spread } from '../lib/stats.js';
import { log } from '../scenarios/context.js';
import type { ExecutorMode, ExecutorPlan, ExecutorRoleArgs, ExecutorRow } from './types.js';

export type { ExecutorRow } from './types.js';

const MODES: readonly ExecutorMode[] = ['proxy', 'value'];
const role = (name: string): string => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

async function redisInputBytes(redis: Redis): Promise<number> {
  return Number(/total_net_input_bytes:(\d+)/.exec(await redis.info('stats'))?.[1] ?? Number.NaN);
}

/** One mode: a warm-up repetition, then `repetitions` measured ones. */
async function measure(client: RoleProcess, redis: Redis, mode: ExecutorMode, plan: ExecutorPlan): Promise<ExecutorRow> {
  const run = (): Promise<{ seconds: number; objectsLeft: number }> => client.call('run', { mode, size: plan.size, tasks: plan.tasks });
  await run();
  const seconds: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < plan.repetitions; i++) {
    const before = await redisInputBytes(redis);
    const { seconds: s, objectsLeft } = await run();
    bytes.push(((await redisInputBytes(redis)) - before) / plan.tasks);
    if (objectsLeft !== 0) throw new Error(`the client's peer still holds ${objectsLeft} objects after a ${mode} repetition: inputs were not evicted`);
    seconds.push(s);
  }
  return { mode, size: plan.size, tasks: plan.tasks, workers: plan.workers, seconds: spread(seconds), redisBytesPerTask: quantile(bytes, 0.5) };
}

/** Runs both modes through one client and `plan.workers` worker processes. */
export async function runExecutor(plan: ExecutorPlan, redisPort: number): Promise<ExecutorRow[]> {
  const args: ExecutorRoleArgs = { queue: `bx${process.pid}`, redisPort, store: `bench-executor-${process.pid}` };
  const started: RoleProcess[] = [];
  const redis = new Redis({ host: '127.0.0.1', port: redisPort });
  try {
    for (let i = 0; i < plan.workers; i++) started.push(await startProcess('executor-worker', role('worker-role'), [JSON.stringify(args)], ['--import', 'tsx']));
    const client = await startProcess('executor-client', role('client-role'), [JSON.stringify(args)], ['--import', 'tsx']);
    started.push(client);
    const rows: ExecutorRow[] = [];
    for (const mode of MODES) {
      const row = await measure(client, redis, mode, plan);
      rows.push(row);
      log(`  executor ${mode} ${plan.tasks} × ${sizeLabel(plan.size)}: ${row.seconds.median.toFixed(2)} s, Redis ${row.redisBytesPerTask.toFixed(0)} B per task`);
    }
    return rows;
  } finally {
    redis.disconnect();
    await Promise.all(started.map((p) => p.stop()));
  }
}

/** How much the group runs: `quick` is the smoke test's size. */
export function executorPlan(quick: boolean): ExecutorPlan {
  return quick ? { size: 1024 * 1024, tasks: 2, workers: 2, repetitions: 1 } : { size: 10 * 1024 * 1024, tasks: 8, workers: 2, repetitions: 5 };
}

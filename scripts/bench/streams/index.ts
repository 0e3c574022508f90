/**
 * The streams group (issue 17): for each shim (Redis pub/sub, Redis Streams, the mesh's topic)
 * and object size, a producer process and a consumer process (Node's default flags) stream
 * objects as proxies (the event carries the key; the bytes stay on the producer's peer) and,
 * as the baseline, by value (the bytes inside the event, through the same shim).
 * @module
 */
import { fileURLToPath } from 'node:url';
import { sizeLabel } from '../config.js';
import { startProcess, type RoleProcess } from '../lib/child.js';
import { quantile } from '../lib/stats.js';
import { log } from '../scenarios/context.js';
import type { StreamMode, StreamPlan, StreamRow, StreamShim } from './types.js';

export type { StreamRow } from './types.js';

const SHIMS: readonly StreamShim[] = ['redis-pubsub', 'redis-streams', 'mesh-topic'];
const MODES: readonly StreamMode[] = ['proxy', 'value'];
const role = (name: string): string => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
let runs = 0;

type Timings = { sent: number; held: number }[];

/** One mode and size through the running pair: a warm-up, a burst, then one event at a time. */
async function measure(producer: RoleProcess, consumer: RoleProcess, shim: StreamShim, mode: StreamMode, size: number, plan: StreamPlan): Promise<StreamRow> {
  const send = (op: 'burst' | 'one', count: number): Promise<unknown> => producer.call(op, { mode, size, count });
  const take = (count: number): Promise<Timings> => consumer.call<Timings>('take', { mode, size, count });
  // Warm-up: connections, the consumer's store, code paths.
  await Promise.all([send('burst', 3), take(3)]);
  const events = plan.throughput(size);
  const [, burst] = await Promise.all([send('burst', events), take(events)]);
  const seconds = ((burst.at(-1)?.held ?? 0) - (burst[0]?.sent ?? 0)) / 1e6;
  const latencies: number[] = [];
  for (let i = 0; i < plan.latency(size); i++) {
    const [, one] = await Promise.all([send('one', 1), take(1)]);
    for (const t of one) latencies.push((t.held - t.sent) / 1000);
  }
  return { shim, size, mode, events, eventsPerSecond: events / seconds, latencyP50Ms: quantile(latencies, 0.5), latencyP99Ms: quantile(latencies, 0.99) };
}

/** Runs every size and mode of one shim through one producer process and one consumer process. */
async function measureShim(shim: StreamShim, plan: StreamPlan, redisUrl: string): Promise<StreamRow[]> {
  const run = `${process.pid}-${++runs}`;
  const args = { shim, topics: { proxy: `bench-streams-proxy-${run}`, value: `bench-streams-value-${run}` }, redisUrl };
  const started: RoleProcess[] = [];
  try {
    const producer = await startProcess('stream-producer', role('producer-role'), [JSON.stringify(args)], ['--import', 'tsx']);
    started.push(producer);
    const { peer } = producer.info as { peer: string };
    const consumer = await startProcess('stream-consumer', role('consumer-role'), [JSON.stringify({ ...args, peer })], ['--import', 'tsx']);
    started.push(consumer);
    const rows: StreamRow[] = [];
    for (const size of plan.sizes) {
      for (const mode of MODES) {
        const row = await measure(producer, consumer, shim, mode, size, plan);
        rows.push(row);
        log(`  streams ${shim} ${sizeLabel(size)} ${mode}: ${row.eventsPerSecond.toFixed(0)} events/s, latency p50 ${row.latencyP50Ms.toFixed(2)} ms, p99 ${row.latencyP99Ms.toFixed(2)} ms`);
      }
    }
    await producer.call('close', {});
    return rows;
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}

/** Runs every shim, size and mode; one row each. */
export async function runStreams(plan: StreamPlan, redisPort: number): Promise<StreamRow[]> {
  const rows: StreamRow[] = [];
  for (const shim of SHIMS) rows.push(...(await measureShim(shim, plan, `redis://127.0.0.1:${redisPort}`)));
  return rows;
}

/** How much the group runs: `quick` is the smoke test's size. */
export function streamPlan(quick: boolean): StreamPlan {
  const small = (size: number): boolean => size < 64 * 1024;
  return quick
    ? { sizes: [100, 1024 * 1024], throughput: (s) => (small(s) ? 50 : 5), latency: (s) => (small(s) ? 5 : 2) }
    : { sizes: [100, 1024 * 1024], throughput: (s) => (small(s) ? 3_000 : 200), latency: (s) => (small(s) ? 300 : 50) };
}

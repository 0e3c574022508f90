/**
 * One future hop, 100 B and 10 MB: a producer process sets a future, a consumer process blocked
 * at its first use of the future's proxy has the value. The future is owned by a third process
 * or by the producer itself (`store.future()` on its own embedded peer). Each set of fresh
 * processes gives one fresh sample (the first set, on fresh channels) and then warm ones. The
 * baseline: one bare grpc-js transfer of the same size between two such processes, fresh (the
 * first call of a new channel) and warm.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MiB, sizeLabel, type WorkflowPlan } from '../config.js';
import type { RoleProcess } from '../lib/child.js';
import { spread } from '../lib/stats.js';
import { log } from '../scenarios/context.js';
import { startUser, withUsers } from './spawn.js';
import type { BareHopRow, HopRow } from './types.js';

interface Sample {
  readonly hopMs: number;
  readonly setMs: number;
}

async function hopSample(owner: RoleProcess, producer: RoleProcess, consumer: RoleProcess, size: number, fill: number, pauseMs: number): Promise<Sample> {
  const f = await owner.call<{ future: string; proxy: string }>('future');
  const got = consumer.call<{ gotAt: number }>('consume', { proxy: f.proxy, size, fill });
  got.catch(() => {}); // awaited below; a failure surfaces there
  // The consumer blocks while the set is still to come, as a pipelined task does.
  await sleep(pauseMs);
  const set = await producer.call<{ setStartAt: number; setMs: number }>('set', { future: f.future, size, fill });
  return { hopMs: (await got).gotAt - set.setStartAt, setMs: set.setMs };
}

async function hopRow(plan: WorkflowPlan['hops'], size: number, layout: HopRow['owner']): Promise<HopRow> {
  const fresh: Sample[] = [];
  const warm: Sample[] = [];
  for (let s = 0; s < plan.freshSets; s++) {
    const starts = [startUser('hop-user'), startUser('hop-user'), ...(layout === 'third' ? [startUser('hop-user')] : [])];
    await withUsers(starts, async ([producer, consumer, third]) => {
      const owner = (layout === 'third' ? third : producer) as RoleProcess;
      // Sample 0 is fresh; then `warmup` untimed, then the warm ones.
      for (let i = 0; i <= plan.warmup + plan.warmSamples; i++) {
        const sample = await hopSample(owner, producer as RoleProcess, consumer as RoleProcess, size, i + 1, i === 0 ? plan.freshPauseMs : plan.pauseMs);
        if (i === 0) fresh.push(sample);
        else if (i > plan.warmup) warm.push(sample);
      }
    });
  }
  const part = (samples: Sample[]) => ({ hopMs: spread(samples.map((x) => x.hopMs)), setMs: spread(samples.map((x) => x.setMs)), samples: samples.length });
  const row = { size, owner: layout, fresh: part(fresh), warm: part(warm) };
  log(`  hop ${sizeLabel(size)} owner ${layout}: fresh ${row.fresh.hopMs.median.toFixed(1)} ms (setResult ${row.fresh.setMs.median.toFixed(1)}), warm ${row.warm.hopMs.median.toFixed(1)} ms (setResult ${row.warm.setMs.median.toFixed(1)})`);
  return row;
}

async function bareRow(plan: WorkflowPlan['hops'], size: number): Promise<BareHopRow> {
  const unary = size <= MiB;
  const fresh: number[] = [];
  const warm: number[] = [];
  for (let s = 0; s < plan.freshSets; s++) {
    const server = await startUser('raw-grpc', ['server']);
    try {
      const port = String((server.info as { port: number }).port);
      await withUsers([startUser('raw-grpc', ['client', port])], async ([client]) => {
        for (let i = 0; i <= plan.warmup + plan.warmSamples; i++) {
          await sleep(i === 0 ? plan.freshPauseMs : plan.pauseMs);
          const { ms } = await (client as RoleProcess).call<{ ms: number }>('get', { size, unary });
          if (i === 0) fresh.push(ms);
          else if (i > plan.warmup) warm.push(ms);
        }
      });
    } finally {
      await server.stop();
    }
  }
  const row = { size, method: unary ? 'bare grpc-js unary call' : 'bare grpc-js server stream, 1 MiB pieces, receiver assembles', fresh: spread(fresh), warm: spread(warm) };
  log(`  bare ${sizeLabel(size)}: fresh ${row.fresh.median.toFixed(1)} ms, warm ${row.warm.median.toFixed(1)} ms`);
  return row;
}

/** How long the pipelining experiment's task workers idle between their hops, near enough: (1 − F)·T. */
const PIPELINE_IDLE_MS = 800;

/**
 * The memory floor of a same-host hop: a fresh value written into a new file of /dev/shm by one
 * process and read into memory by another, no library involved. Fresh memory is what such a hop
 * pays for on a VM whose page faults are slow, and every connector that moves bytes between
 * processes of one host pays it too. Measured twice: after the hop group's short pauses, and
 * after the pipelining experiment's idle time between hops, long enough for a host that takes
 * back free guest pages to take back the memory the last hop freed.
 */
async function floorRow(plan: WorkflowPlan['hops'], size: number, pauseMs: number, method: string): Promise<BareHopRow> {
  const fresh: number[] = [];
  const warm: number[] = [];
  for (let s = 0; s < plan.freshSets; s++) {
    await withUsers([startUser('floor'), startUser('floor')], async ([writer, reader]) => {
      for (let i = 0; i <= plan.warmup + plan.warmSamples; i++) {
        await sleep(i === 0 ? plan.freshPauseMs : pauseMs);
        const w = await (writer as RoleProcess).call<{ path: string; startAt: number }>('write', { size, fill: i + 1 });
        const { gotAt } = await (reader as RoleProcess).call<{ gotAt: number }>('read', { path: w.path, size, fill: i + 1 });
        if (i === 0) fresh.push(gotAt - w.startAt);
        else if (i > plan.warmup) warm.push(gotAt - w.startAt);
      }
    });
  }
  const row = { size, method, fresh: spread(fresh), warm: spread(warm) };
  log(`  floor ${sizeLabel(size)} (${pauseMs} ms pauses): fresh ${row.fresh.median.toFixed(1)} ms, warm ${row.warm.median.toFixed(1)} ms`);
  return row;
}

export async function runHops(plan: WorkflowPlan['hops']): Promise<{ hops: HopRow[]; bareHops: BareHopRow[] }> {
  const hops: HopRow[] = [];
  const bareHops: BareHopRow[] = [];
  for (const size of plan.sizes) {
    for (const layout of ['third', 'producer'] as const) hops.push(await hopRow(plan, size, layout));
    // The gRPC baseline first: the targets and the hop table take the first row of a size.
    bareHops.push(await bareRow(plan, size));
    if (size <= MiB) continue;
    const floor = 'the memory floor: written into a new file of /dev/shm, read into memory by another process (no library)';
    bareHops.push(await floorRow(plan, size, plan.pauseMs, floor));
    bareHops.push(await floorRow(plan, size, PIPELINE_IDLE_MS, `${floor}, warm processes idle ${PIPELINE_IDLE_MS} ms between hops as the pipelining workers are`));
  }
  return { hops, bareHops };
}

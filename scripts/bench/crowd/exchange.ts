/**
 * The crowded-host exchange: N processes on this machine, each with `new MeshConnector()`, put
 * one object each and make one future; then all at once each gets every other process's object
 * (N×(N−1) gets), sets the future of the process before it and awaits the one of the process two
 * before it. Counts failures and wrong bytes, times each phase and reads each process's RSS.
 * The bench runs it at 128 processes (index.ts), the tests at a bounded size.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { startProcess, type RoleProcess } from '../lib/child.js';
import type { CrowdRow } from './types.js';

/** What one exchange runs. */
export interface CrowdPlan {
  readonly processes: number;
  /** Bytes of each process's object. */
  readonly size: number;
  /** Deadline of every get, set and await. */
  readonly deadlineMs: number;
  /** Node flags of each process (none: Node's defaults, as users run). */
  readonly execArgv?: readonly string[];
  /** Where each process imports the package from (default its name, that is dist/). */
  readonly library?: string;
}

interface Made {
  readonly key: unknown;
  readonly future: unknown;
  readonly capability: string;
}

interface Exchanged {
  readonly gets: number;
  readonly awaited: number;
  readonly wrong: number;
  readonly failed: number;
  readonly failures: readonly string[];
  readonly kinds?: Readonly<Record<string, number>>;
  readonly ms: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly maxRss: number;
}

const NODE = fileURLToPath(new URL('node.mjs', import.meta.url));
/** Bounds the orchestrator's own waits: every phase ends by then even if a process hangs. */
const PHASE_SLACK_MS = 60_000;
const START_AT_ONCE = 8;
/** A generous share of CPU time per process for starting its peer, to bound the put phase. */
const PUT_CPU_MS = 2_000;

/**
 * A process whose exchange did not answer in time: what it had done so far, with everything
 * still pending counted as failed, so a hang shows in the figures instead of stopping the run.
 */
async function unanswered(node: RoleProcess, index: number, error: unknown): Promise<Exchanged> {
  const so = await node.call<Exchanged & { pending: number }>('progress', {}, 30_000).catch(() => undefined);
  const why = `process ${index} did not finish its exchange: ${String(error)}`;
  if (so === undefined) return { gets: 0, awaited: 0, wrong: 0, failed: 1, failures: [why], ms: Number.NaN, rss: Number.NaN, heapUsed: Number.NaN, maxRss: Number.NaN };
  return { ...so, failed: so.failed + so.pending, failures: [why, ...so.failures], ms: Number.NaN, heapUsed: Number.NaN, maxRss: so.rss };
}

/** Failures of every process by kind. */
function countKinds(runs: readonly Exchanged[]): Record<string, number> {
  const all: Record<string, number> = {};
  for (const r of runs) for (const [kind, count] of Object.entries(r.kinds ?? {})) all[kind] = (all[kind] ?? 0) + count;
  return all;
}

const median = (values: readonly number[]): number => values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
const seconds = (since: number): number => (performance.now() - since) / 1000;

/** Runs one exchange and stops every process it started, also when a phase fails. */
export async function runCrowdExchange(plan: CrowdPlan): Promise<CrowdRow> {
  const { processes: n, size, deadlineMs } = plan;
  if (n < 3) throw new Error(`The crowded-host exchange needs at least 3 processes (a future's owner, setter and awaiter differ), not ${n}.`);
  // The processes inherit this process's environment (lib/child.ts forks them).
  if (plan.library !== undefined) process.env.CROWD_LIBRARY = plan.library;
  const t0 = performance.now();
  const nodes: RoleProcess[] = [];
  try {
    // In waves, as a batch system starts its tasks: each process has its own ready limit
    // (lib/child.ts), which 128 spawned at once on two busy cores can overrun while importing.
    for (let wave = 0; wave < n; wave += START_AT_ONCE) {
      const settled = await Promise.allSettled(Array.from({ length: Math.min(START_AT_ONCE, n - wave) }, (_, i) => startProcess(`crowd process ${wave + i}`, NODE, [], [...(plan.execArgv ?? [])])));
      nodes.push(...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
      const failedStart = settled.find((s) => s.status === 'rejected');
      if (failedStart) throw failedStart.reason;
    }
    const startSeconds = seconds(t0);
    const t1 = performance.now();
    // Each put starts its process's embedded peer (a worker thread that loads the server):
    // about 0.75 s of CPU each, measured, so 128 of them need a minute of two cores at best.
    const putLimitMs = Math.max(deadlineMs, n * PUT_CPU_MS) + PHASE_SLACK_MS;
    const made = await Promise.all(nodes.map((node, index) => node.call<Made>('put', { index, size }, putLimitMs)));
    const putSeconds = seconds(t1);
    const objects = made.map((m, owner) => ({ owner, key: m.key }));
    const futureOf = (owner: number) => ({ owner, future: made[owner]?.future, capability: made[owner]?.capability });
    const t2 = performance.now();
    const runs = await Promise.all(
      nodes.map((node: RoleProcess, index) =>
        node
          .call<Exchanged>('exchange', { index, size, objects, set: futureOf((index + n - 1) % n), awaitFuture: futureOf((index + n - 2) % n), deadlineMs }, deadlineMs + PHASE_SLACK_MS)
          .catch((error: unknown) => unanswered(node, index, error)),
      ),
    );
    const exchangeSeconds = seconds(t2);
    await Promise.all(nodes.map((node) => node.call('close', {}, PHASE_SLACK_MS).catch(() => undefined)));
    const rss = runs.map((r) => r.rss);
    return {
      processes: n,
      size,
      startSeconds,
      putSeconds,
      exchangeSeconds,
      expectedGets: n * (n - 1),
      gets: runs.reduce((s, r) => s + r.gets, 0),
      futures: runs.reduce((s, r) => s + r.awaited, 0),
      failed: runs.reduce((s, r) => s + r.failed, 0),
      wrong: runs.reduce((s, r) => s + r.wrong, 0),
      firstFailures: runs.flatMap((r) => r.failures).slice(0, 5),
      failureKinds: countKinds(runs),
      rssMedian: median(rss),
      rssMax: Math.max(...rss.filter((v) => !Number.isNaN(v))),
      maxRssMax: Math.max(...runs.map((r) => r.maxRss).filter((v) => !Number.isNaN(v))),
      heapMedian: median(runs.map((r) => r.heapUsed)),
      exchangeMsMedian: median(runs.map((r) => r.ms)),
    };
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

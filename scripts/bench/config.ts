/**
 * What a run measures: the full plan (every scenario of issue 5) or `--quick` (a smoke test in
 * under a minute: small sizes, few repetitions, 16 MiB at most, 1,000 waiters, 4 peers).
 * @module
 */
import type { LoopPlan } from './lib/loop.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** The plan of one run. */
export interface BenchConfig {
  readonly quick: boolean;
  /** Object sizes of the get/put scenarios. */
  readonly sizes: readonly number[];
  /** Sizes also measured at `highConcurrency`. */
  readonly concurrentSizes: readonly number[];
  readonly highConcurrency: number;
  readonly loop: (size: number, concurrency: number) => LoopPlan;
  readonly batch: { readonly count: number; readonly size: number; readonly plan: LoopPlan };
  readonly wake: { readonly push: number; readonly poll1ms: number; readonly poll1s: number };
  readonly fanout: { readonly waiters: number; readonly processes: number; readonly reps: number };
  readonly consumerBytes: number;
  readonly mesh: { readonly nodes: number; readonly size: number; readonly rounds: number; readonly maxMs: number };
  /** The tuning prototypes (Phase 2): sizes of large transfers, gets whose retained memory is measured. */
  readonly prototypes: { readonly sizes: readonly number[]; readonly retainedCalls: number };
  /** The workflow group (issue 13): what users run. */
  readonly workflow: WorkflowPlan;
  /** The crowded-host group (issue 14). */
  readonly crowd: CrowdConfig;
  /** The start-up group (issue 14): fresh processes of each kind, interleaved. */
  readonly startupRuns: number;
}

/** N processes all-to-all on this machine (crowd/exchange.ts). */
export interface CrowdConfig {
  readonly processes: number;
  readonly size: number;
  readonly deadlineMs: number;
}

/** The workflow group's plan; times in ms. */
export interface WorkflowPlan {
  /** N tasks of T ms, F of each independent of its input, `size` bytes per hop; `rounds` warm rounds per mode. */
  readonly pipeline: { readonly tasks: number; readonly taskMs: number; readonly independent: number; readonly size: number; readonly rounds: number; readonly extras: boolean };
  /**
   * Future hops: per size and layout, `freshSets` sets of fresh processes, each with 1 fresh and
   * `warmSamples` warm sets after `warmup` untimed ones; the consumer blocks `pauseMs` before a set
   * (`freshPauseMs` before the first).
   */
  readonly hops: { readonly sizes: readonly number[]; readonly freshSets: number; readonly warmup: number; readonly warmSamples: number; readonly pauseMs: number; readonly freshPauseMs: number };
  /** Round trips (and as many echoes) in `blocks` interleaved blocks, after `warmup` of each. */
  readonly roundTrip: { readonly rounds: number; readonly blocks: number; readonly warmup: number; readonly pauseMs: number };
  /** Large gets and puts: a fresh transfer, untimed ones until `warmupBytes` have moved, then `reps` more, per size. */
  readonly large: { readonly sizes: readonly number[]; readonly warmupBytes: number; readonly reps: number };
  /** Run the pipelining alongside the other parts (quick only: figures measured so are not comparable). */
  readonly overlap: boolean;
}

function fullLoop(size: number, concurrency: number): LoopPlan {
  // Small calls: short repetitions, many of them, so the systems alternate every 200 ms and a
  // burst of background load lands on all of them rather than skewing one latency ratio. Each
  // warms up for 1.5 s first: with 200 ms, the first repetitions of a fresh process were still
  // getting faster (100 B gets: p50 615 → ~360 µs over the first six, bare grpc-js and proxymesh
  // alike), and those carried the pooled p50 of the suite's first measurement.
  if (size <= 4 * KiB) return { warmupOps: 10_000, warmupMs: 1_500, reps: 12, opsPerRep: concurrency > 1 ? 2_500 : 1_000, maxMsPerRep: 200, concurrency };
  if (size <= MiB) return { warmupOps: 10, reps: 5, opsPerRep: 200, maxMsPerRep: 400, concurrency };
  if (size <= 16 * MiB) return { warmupOps: 2, reps: 5, opsPerRep: 30, maxMsPerRep: 600, concurrency };
  if (size <= 64 * MiB) return { warmupOps: 1, reps: 5, opsPerRep: 8, maxMsPerRep: 800, concurrency };
  // 1 GiB: five single gets, not three. Fresh 1 GiB buffers make single transfers vary widely
  // here, on every system (the bare stream: 411–739 MB/s over two runs), and a median of three
  // moved the ratios to it by ±0.2 between runs.
  return { warmupOps: 1, reps: 5, opsPerRep: 1, maxMsPerRep: 1, concurrency };
}

function quickLoop(size: number, concurrency: number): LoopPlan {
  if (size <= 4 * KiB) return { warmupOps: concurrency > 1 ? 128 : 20, reps: 2, opsPerRep: 500, maxMsPerRep: 100, concurrency };
  return { warmupOps: 1, reps: 2, opsPerRep: 10, maxMsPerRep: 100, concurrency };
}

export const FULL: BenchConfig = {
  quick: false,
  sizes: [100, 4 * KiB, MiB, 16 * MiB, 64 * MiB, GiB],
  concurrentSizes: [100, 4 * KiB],
  highConcurrency: 64,
  loop: fullLoop,
  batch: { count: 1_000, size: 4 * KiB, plan: { warmupOps: 2, reps: 5, opsPerRep: 20, maxMsPerRep: 1_000, concurrency: 1 } },
  wake: { push: 200, poll1ms: 100, poll1s: 8 },
  fanout: { waiters: 10_000, processes: 4, reps: 3 },
  consumerBytes: GiB,
  mesh: { nodes: 16, size: 4 * MiB, rounds: 4, maxMs: 60_000 },
  prototypes: { sizes: [64 * MiB, 256 * MiB], retainedCalls: 20_000 },
  workflow: {
    // The paper's experiment: 8 tasks of 1 s, 20% independent, 10 MB (decimal, as the paper) per hop.
    pipeline: { tasks: 8, taskMs: 1_000, independent: 0.2, size: 10_000_000, rounds: 3, extras: true },
    // The consumer blocks before the set comes, as a pipelined task does: a fresh consumer's first
    // use takes ~270 ms here to start what blocking needs, so its first set waits 1 s, and a
    // fresh sample times the set on fresh channels rather than the consumer's start-up.
    // Warm rows come after 5 untimed sets: a fresh process's grpc-js is still getting faster over
    // its first transfers (bare 10 MB gets: 160 → 50-90 ms over the first eight, here).
    hops: { sizes: [100, 10_000_000], freshSets: 3, warmup: 5, warmSamples: 5, pauseMs: 200, freshPauseMs: 1_000 },
    roundTrip: { rounds: 250, blocks: 5, warmup: 20, pauseMs: 15 },
    // The same warm-up by bytes (bare 64 MiB gets: 1.27 s, 0.69, 0.40, then ~0.28-0.34 s).
    large: { sizes: [64 * MiB, GiB], warmupBytes: 256 * MiB, reps: 3 },
    overlap: false,
  },
  // What an HPC node runs: a process per task, 64–128 of them (the deadline per call).
  crowd: { processes: 128, size: 64 * KiB, deadlineMs: 60_000 },
  startupRuns: 6,
};

export const QUICK: BenchConfig = {
  quick: true,
  sizes: [100, 4 * KiB, MiB, 16 * MiB],
  concurrentSizes: [100, 4 * KiB],
  highConcurrency: 64,
  loop: quickLoop,
  batch: { count: 1_000, size: 4 * KiB, plan: { warmupOps: 1, reps: 2, opsPerRep: 3, maxMsPerRep: 300, concurrency: 1 } },
  wake: { push: 20, poll1ms: 10, poll1s: 1 },
  fanout: { waiters: 1_000, processes: 2, reps: 1 },
  consumerBytes: 16 * MiB,
  mesh: { nodes: 4, size: MiB, rounds: 3, maxMs: 5_000 },
  prototypes: { sizes: [16 * MiB], retainedCalls: 2_000 },
  workflow: {
    // A smoke test of every part, in well under a minute: each process start costs ~0.3-0.5 s here.
    pipeline: { tasks: 3, taskMs: 100, independent: 0.2, size: 1_000_000, rounds: 1, extras: false },
    hops: { sizes: [1_000_000], freshSets: 1, warmup: 0, warmSamples: 1, pauseMs: 30, freshPauseMs: 300 },
    roundTrip: { rounds: 20, blocks: 2, warmup: 3, pauseMs: 15 },
    large: { sizes: [4 * MiB], warmupBytes: 0, reps: 1 },
    overlap: true,
  },
  crowd: { processes: 4, size: 64 * KiB, deadlineMs: 60_000 },
  startupRuns: 1,
};

/** Where "large" transfers start: the sizes the large-get targets judge, followed by a GC in every process. */
export const LARGE = 64 * MiB;

/** The large sizes among `sizes`: those from LARGE on, or the largest in a run that has none (quick). */
export function largeSizes(sizes: readonly number[]): number[] {
  const large = sizes.filter((s) => s >= LARGE);
  return large.length > 0 ? large : sizes.slice(-1);
}

/** A size for people: 100 B, 4 KiB, 1 MiB, 1 GiB. */
export function sizeLabel(bytes: number): string {
  if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GiB`;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} B`;
}

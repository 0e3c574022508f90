/**
 * The shape of a run's results: what scenarios return, what the JSON file holds and what the
 * reports read.
 * @module
 */
import type { RepResult } from './lib/loop.js';
import type { Spread } from './lib/stats.js';
import type { CrowdRow } from './crowd/types.js';
import type { StartupRow } from './startup/types.js';
import type { WorkflowResults } from './workflow/types.js';
import type { ExecutorRow } from './executor/types.js';
import type { StreamRow } from './streams/types.js';

/** A get or put loop of one system at one size and concurrency. */
export interface TransferRow {
  readonly system: string;
  readonly op: 'get' | 'put';
  readonly size: number;
  readonly concurrency: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Bytes per second, over repetitions. */
  readonly throughput: Spread;
  /** Per-repetition p50 latency, over repetitions. */
  readonly p50Spread: Spread;
  readonly reps: readonly RepResult[];
}

/** A batch loop: `count` objects per call. */
export interface BatchRow {
  readonly system: string;
  readonly op: 'get' | 'put';
  readonly count: number;
  readonly size: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly throughput: Spread;
}

/** Wake-up latency of one way of waiting, from the set's start to the waiter having the value. */
export interface WakeRow {
  readonly method: string;
  readonly samples: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly minUs: number;
  readonly maxUs: number;
}

/** One fan-out repetition. */
export interface FanoutRep {
  /** From the set's start to the last waiter having the value. */
  readonly lastUs: number;
  readonly p50Us: number;
  readonly rssPerWaiter: number;
  readonly heapPerWaiter: number;
}

export interface FanoutRow {
  /** How waiters wait: `awaitKey` (shared streams) or one raw stream each. */
  readonly mode: string;
  /** Whether the fan-out targets judge this row (the real `awaitKey`). */
  readonly judged: boolean;
  readonly waiters: number;
  readonly processes: number;
  /** Await streams the peer held for these waiters. */
  readonly streams: number;
  readonly reps: readonly FanoutRep[];
  readonly lastUs: Spread;
  readonly rssPerWaiter: Spread;
  readonly heapPerWaiter: Spread;
}

/** Peak memory of a fresh consumer process getting one large object. */
export interface ConsumerRow {
  readonly system: string;
  readonly size: number;
  readonly beforeBytes: number;
  readonly peakBytes: number;
  readonly seconds: number;
}

/** The all-to-all mesh. */
export interface MeshRow {
  readonly nodes: number;
  readonly size: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly gets: number;
  readonly p50Us: number;
  /** Gets that failed, and the first one's message. */
  readonly failed: number;
  readonly firstFailure?: string;
}

/** A large transfer through proxymesh with some tunings prototyped (Phase 2). */
export interface LargePrototype {
  /** Which piece size: `1 MiB pieces (default)` or `4 MiB pieces`. */
  readonly config: string;
  readonly op: 'get' | 'put';
  readonly size: number;
  readonly throughput: Spread;
  readonly p50Us: number;
}

/** Small gets of one system, measured back to back with the others (Phase 2). */
export interface SmallPrototype {
  readonly system: string;
  readonly concurrency: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly opsPerSecond: Spread;
}

/** Client memory still held, after a full GC, once `calls` gets have finished, and a large put before and after. */
export interface RetainedPrototype {
  readonly system: string;
  readonly calls: number;
  readonly heapPerCall: number;
  readonly rssDeltaBytes: number;
  readonly putSize: number;
  readonly putBefore: Spread;
  readonly putAfter: Spread;
}

/** What the tuning prototypes measured. */
export interface Prototypes {
  readonly large: LargePrototype[];
  readonly small: SmallPrototype[];
  readonly retained: RetainedPrototype[];
}

/** The machine a run measured. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  /** The V8 flags every Node process of the run had (`--node-flags`); absent in runs before the option. */
  readonly nodeFlags?: readonly string[];
  readonly grpcJs: string;
  readonly niceGrpc: string;
  readonly ioredis: string;
  readonly redis: string;
  readonly os: string;
  /** 1-minute load average at the start and the end of the run: other work on the machine shows here. */
  readonly load: readonly [number, number];
  /** The proxymesh commit measured. */
  readonly commit?: string;
}

export interface Results {
  readonly startedAt: string;
  readonly quick: boolean;
  /** The `--only`/`--sizes` flags of a partial run, whose reports stay in bench-results/; absent in a full run. */
  readonly partial?: string | undefined;
  readonly seconds: number;
  readonly machine: Machine;
  /** The workflow group (issue 13), the headline; absent in runs before it, or when not asked for. */
  readonly workflow?: WorkflowResults | undefined;
  readonly transfers: TransferRow[];
  readonly batches: BatchRow[];
  readonly wake: WakeRow[];
  readonly fanout: FanoutRow[];
  readonly consumer: ConsumerRow[];
  readonly mesh: MeshRow[];
  /** The crowded-host group (issue 14); absent in runs before it. */
  readonly crowd?: CrowdRow[] | undefined;
  /** The start-up group (issue 14); absent in runs before it. */
  readonly startup?: StartupRow[] | undefined;
  /** The streams group (issue 17); absent in runs before it. */
  readonly streams?: StreamRow[] | undefined;
  /** The executor group (issue 16); absent in runs before it. */
  readonly executor?: ExecutorRow[] | undefined;
  readonly prototypes: Prototypes;
  /** Scenarios or measurements that failed (the run went on without them). */
  readonly errors: string[];
}

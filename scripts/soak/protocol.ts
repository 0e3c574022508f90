/**
 * The soak run's configuration and the messages between the coordinator (`main.ts`) and its
 * mesh processes (`worker.ts`), over the IPC channel of `fork`. Workers never talk to each other
 * directly except through the mesh: orders (read this key, set that future, wait on this key)
 * are relayed by the coordinator.
 * @module
 */
import type { MeshKey } from '../../src/mesh/key.js';
import type { ValueSpec } from './values.js';

/** What a run does; every loop is bounded by `durationMs` and by the count limits here. */
export interface SoakConfig {
  readonly durationMs: number;
  readonly processes: number;
  /** Waiters to keep pending across the whole mesh, spread evenly over the processes. */
  readonly waiters: number;
  /** Concurrent put → get → evict flows per process. */
  readonly dataFlows: number;
  /** Largest value written, in bytes (a few values are this big, most are small). */
  readonly maxValueBytes: number;
  /** Upper bound of operations started by one flow, whatever the duration. */
  readonly maxOpsPerFlow: number;
  /** How long the end of the run may take once new work stops. */
  readonly drainMs: number;
  readonly seed: number;
}

/** Counts of one process, by operation kind. */
export type Counters = Record<string, number>;

/** An order one worker sends another, through the coordinator. */
export type Order =
  /** Read a key owned by the sender, check its bytes, evict it, then `ack`. */
  | { kind: 'read'; token: number; key: MeshKey; value: ValueSpec }
  | { kind: 'ack'; token: number; ok: boolean }
  /** Start `count` waits on a deferred key of the sender (`cancel` of them are then cancelled), say `awaiting`, then `woken` when all have ended. */
  | { kind: 'await'; future: string; key: MeshKey; count: number; cancel: number; value: ValueSpec }
  | { kind: 'awaiting'; future: string }
  | { kind: 'woken'; future: string; values: number; notFound: number; cancelled: number; failed: number }
  /** Set a deferred key of the sender with the capability it issued, then `setDone`. */
  | { kind: 'set'; future: string; key: MeshKey; capability: string; value: ValueSpec }
  | { kind: 'setDone'; future: string; ok: boolean };

/** Coordinator → worker. */
export type ToWorker =
  | { type: 'start'; index: number; peers: readonly string[]; config: SoakConfig }
  | { type: 'order'; from: number; order: Order }
  /** Stop starting work, finish what is in flight, then report `drained`. */
  | { type: 'drain' }
  | { type: 'exit' };

/** A worker's memory and its peer's counters at one moment. */
export interface Sample {
  readonly rss: number;
  readonly heapUsed: number;
  /** Longest event-loop delay of the process's main thread since the previous sample, in ms. */
  readonly loopDelayMaxMs: number;
  readonly objects: number;
  readonly pendingKeys: number;
  /** Await streams pending on this process's peer (waits on one key from one process share one). */
  readonly waiters: number;
  /** `awaitKey` calls this process has pending, whatever peer owns their keys. */
  readonly pendingWaits: number;
}

/** What a worker did, reported once it has drained. */
export interface WorkerResult {
  readonly ops: Counters;
  /** Unexpected errors, by name. */
  readonly errors: Counters;
  readonly errorExamples: readonly string[];
  readonly mismatches: number;
  readonly mismatchExamples: readonly string[];
  readonly verifiedBytes: number;
  /** Work still in flight when the drain time ran out (0 on a clean run). */
  readonly unfinished: number;
}

/** Worker → coordinator. */
export type FromWorker =
  | { type: 'ready'; address: string; pid: number; sample: Sample }
  | { type: 'send'; to: number; order: Order }
  | { type: 'sample'; sample: Sample }
  /** `sample` is taken after a full garbage collection, once the run's work is done. */
  | { type: 'drained'; result: WorkerResult; sample: Sample };

/** The last line of a run's output, after `soak-result `: what a test or a script checks. */
export interface SoakSummary {
  readonly pass: boolean;
  readonly seed: number;
  readonly seconds: number;
  readonly processes: number;
  readonly operations: Counters;
  /** Unexpected errors, by name. */
  readonly errors: Counters;
  readonly mismatches: number;
  /** Peers that still held objects, pending keys or waiters at the end. */
  readonly leftovers: number;
  readonly peakWaiters: number;
  /** Most Await streams pending on the peers at one sample: fewer than waiters, since a process's waits on one key share a stream. */
  readonly peakStreams: number;
  readonly verifiedBytes: number;
  readonly memory: readonly { pid: number; startRss: number; peakRss: number; endRss: number; startHeap: number; endHeap: number; loopDelayMaxMs: number }[];
  readonly failures: readonly string[];
}

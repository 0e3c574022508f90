/**
 * What the workflow group (issue 13) records: rows measured on the path users run (the package
 * imported by its name, `new MeshConnector()` defaults, plain `node`, no forced GC).
 * @module
 */
import type { Spread } from '../lib/stats.js';

/** The pipelining experiment (ProxyStore TPDS'24) on one connector; times in ms. */
export interface PipelineRow {
  /** `mesh`, `file`, `redis`; extras `mesh-main`, `mesh-stgc`, `mesh-daemon`. */
  readonly connector: string;
  readonly label: string;
  /** Extra, labelled rows (a configuration other than the README's default): not judged. */
  readonly extra: boolean;
  readonly tasks: number;
  readonly taskMs: number;
  readonly independent: number;
  readonly bytes: number;
  /** T + (N-1)(1-F)T. */
  readonly idealMs: number;
  /** Round 1 (pipelined), on freshly started workers: the untimed warm-up, shown apart. */
  readonly freshMs: number;
  /** Warm rounds, the headline. */
  readonly pipelinedMs: readonly number[];
  readonly sequentialMs: readonly number[];
  readonly pipelined: Spread;
  readonly sequential: Spread;
  /** Per hop of the warm pipelined rounds: the producer's setResult, and set start → consumer has it. */
  readonly setMs: Spread;
  readonly hopMs: Spread;
}

/** A future hop of one size: set begins → the blocked consumer has the value. */
export interface HopRow {
  readonly size: number;
  /** `third`: a third process owns the future; `producer`: the producer made it on its own peer. */
  readonly owner: 'third' | 'producer';
  /** First set of fresh processes (fresh channels). */
  readonly fresh: { readonly hopMs: Spread; readonly setMs: Spread; readonly samples: number };
  /** Later sets of the same processes. */
  readonly warm: { readonly hopMs: Spread; readonly setMs: Spread; readonly samples: number };
}

/** The bare grpc-js transfer of the same size between the same kind of processes. */
export interface BareHopRow {
  readonly size: number;
  readonly method: string;
  readonly fresh: Spread;
  readonly warm: Spread;
}

/** The small round trip, or its unary echo baseline, with the same pause before each. */
export interface RoundTripRow {
  readonly system: string;
  readonly pauseMs: number;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A large get or put from or into an embedded owner in another process, or the bare stream's. */
export interface LargeRow {
  readonly system: 'proxymesh' | 'grpc-stream';
  readonly op: 'get' | 'put';
  readonly size: number;
  /** The first transfer of fresh processes. */
  readonly freshMs: number;
  /** Later transfers, in bytes per second. */
  readonly throughput: Spread;
  readonly reps: number;
}

/** Peak RSS of a fresh consumer process over its first large get. */
export interface PeakRow {
  readonly system: 'proxymesh' | 'grpc-stream';
  readonly size: number;
  readonly beforeBytes: number;
  readonly peakBytes: number;
}

export interface WorkflowResults {
  readonly pipelining: PipelineRow[];
  readonly hops: HopRow[];
  readonly bareHops: BareHopRow[];
  readonly roundTrip: RoundTripRow[];
  readonly large: LargeRow[];
  readonly peak: PeakRow[];
  /** How long the group took. */
  readonly seconds: number;
}

/** Row names the report looks up. */
export const ROUND_TRIP = 'proxymesh future round trip (A sets k1; B, awaiting k1, sets k2; A has k2)';
export const UNARY_ECHO = 'bare grpc-js unary echo (100 B)';
/** The round trip's own shape in bare grpc-js: what its two calls cost without the library. */
export const SAME_SHAPE = 'bare grpc-js, the same shape: 100 B pushed on an open server stream, answered by a new client-stream call';
/** The extra round-trip row: A's peer on its main thread (`thread: 'main'`), not judged. */
export const ROUND_TRIP_MAIN = "extra: the same round trip, A's peer on its main thread (`thread: 'main'`)";

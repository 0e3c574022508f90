/**
 * What the streams group measures (issue 17): per broker ("shim"), object size and way of
 * carrying the object (a proxy whose bytes stay on the producer's peer, or the bytes inside
 * the event), events per second and end-to-end latency.
 * @module
 */

/** The brokers a stream runs over. */
export type StreamShim = 'redis-pubsub' | 'redis-streams' | 'mesh-topic';

/** How the object travels: as a proxy (key and store config in the event) or by value. */
export type StreamMode = 'proxy' | 'value';

/** One measured combination. */
export interface StreamRow {
  readonly shim: StreamShim;
  readonly size: number;
  readonly mode: StreamMode;
  /** Events sent back to back, from the first send to the last object resolved by the consumer. */
  readonly events: number;
  readonly eventsPerSecond: number;
  /** One event at a time: from `send` to the consumer holding the resolved object. */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

/** How much the group runs. */
export interface StreamPlan {
  readonly sizes: readonly number[];
  /** Events per throughput run, by size. */
  readonly throughput: (size: number) => number;
  /** Events of the latency run, by size. */
  readonly latency: (size: number) => number;
}

/** A role's settings, passed as its one argument (JSON): one shim, a topic per mode. */
export interface StreamRoleArgs {
  readonly shim: StreamShim;
  readonly topics: Readonly<Record<StreamMode, string>>;
  readonly redisUrl: string;
  /** The peer holding the mesh topic (the producer's own); for the consumer only. */
  readonly peer?: string | undefined;
}

/**
 * What the start-up group reports (index.ts).
 * @module
 */

/** A median with its range. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One kind of fresh process, measured `runs` times. */
export interface StartupRow {
  readonly mode: 'node' | 'grpc' | 'import' | 'proxy' | 'remote' | 'peer' | 'peer-main' | 'thread' | 'http2-thread';
  readonly label: string;
  readonly runs: number;
  /** From the parent's spawn to the child having its value (wall clocks of both). */
  readonly spawnToValueMs: Spread;
  /** The child's RSS and main-thread heap after its value and one full collection. */
  readonly rssBytes: Spread;
  readonly heapBytes: Spread;
}

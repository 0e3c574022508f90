/**
 * What the crowded-host exchange reports (exchange.ts).
 * @module
 */

/** One exchange of N processes. */
export interface CrowdRow {
  readonly processes: number;
  /** Bytes of each process's object. */
  readonly size: number;
  /** From the first spawn to the last process ready (imported the package). */
  readonly startSeconds: number;
  /** Every process's put and newKey (its embedded peer starts here). */
  readonly putSeconds: number;
  /** The all-to-all gets with the futures, from the first request to the last answer. */
  readonly exchangeSeconds: number;
  /** N×(N−1). */
  readonly expectedGets: number;
  /** Gets that returned (right or wrong bytes). */
  readonly gets: number;
  /** Futures awaited with a value (N expected). */
  readonly futures: number;
  /** Gets, sets and awaits that failed. */
  readonly failed: number;
  /** Gets and awaits whose bytes were not the ones put or set. */
  readonly wrong: number;
  /** The first failures' messages (up to 5). */
  readonly firstFailures: readonly string[];
  /** Failures by kind (error name and message without keys or addresses), with their counts. */
  readonly failureKinds: Readonly<Record<string, number>>;
  /** RSS per process after the exchange, bytes: median and largest. */
  readonly rssMedian: number;
  readonly rssMax: number;
  /** The largest peak RSS of any process. */
  readonly maxRssMax: number;
  readonly heapMedian: number;
  /** Per process, from its first request to its last answer. */
  readonly exchangeMsMedian: number;
}

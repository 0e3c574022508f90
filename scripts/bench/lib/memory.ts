/**
 * Memory of this process, measured from inside it after a full garbage collection (roles run
 * with --expose-gc).
 * @module
 */

/** Bytes in use now. */
export interface MemoryNow {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  /** Peak resident set so far, in bytes. */
  readonly maxRss: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage (twice, so finalised objects go too), then reads the counters. */
export function memoryNow(): MemoryNow {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, maxRss: process.resourceUsage().maxRSS * 1024 };
}

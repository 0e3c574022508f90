/**
 * Finding figures in a run's results.
 * @module
 */
import type { Results, TransferRow } from '../results.js';

/** The transfer row of `system` for an op, size and concurrency, if measured. */
export function find(results: Results, system: string, op: 'get' | 'put', size: number, concurrency = 1): TransferRow | undefined {
  return results.transfers.find((r) => r.system === system && r.op === op && r.size === size && r.concurrency === concurrency);
}

/** proxymesh's median throughput over a baseline's (>1: proxymesh faster). */
export function throughputRatio(results: Results, baseline: string, op: 'get' | 'put', size: number, concurrency = 1): number {
  const mine = find(results, 'proxymesh', op, size, concurrency);
  const theirs = find(results, baseline, op, size, concurrency);
  return mine && theirs ? mine.throughput.median / theirs.throughput.median : Number.NaN;
}

/** proxymesh's p50 latency over a baseline's (<1: proxymesh faster). */
export function latencyRatio(results: Results, baseline: string, op: 'get' | 'put', size: number, concurrency = 1): number {
  const mine = find(results, 'proxymesh', op, size, concurrency);
  const theirs = find(results, baseline, op, size, concurrency);
  return mine && theirs ? mine.p50Us / theirs.p50Us : Number.NaN;
}

/** Sizes measured, ascending. */
export function sizes(results: Results): number[] {
  return [...new Set(results.transfers.map((r) => r.size))].sort((a, b) => a - b);
}

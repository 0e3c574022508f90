/**
 * Number formatting shared by the reports.
 * @module
 */
import type { Spread } from '../lib/stats.js';

/** Microseconds as µs or ms. */
export function us(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(0)} ms`;
  if (value >= 1_000) return `${(value / 1000).toFixed(2)} ms`;
  return `${value.toFixed(0)} µs`;
}

/** Bytes per second in MB/s (decimal). */
export function mbps(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond)) return '–';
  const v = bytesPerSecond / 1e6;
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3);
}

/** A throughput spread: "median (min–max)" in MB/s. */
export function mbpsSpread(s: Spread): string {
  return `${mbps(s.median)} (${mbps(s.min)}–${mbps(s.max)})`;
}

/** A ratio: 1.23×. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value >= 100 ? value.toFixed(0) : value.toFixed(2)}×` : '–';
}

/** Bytes as MiB. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** A Markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

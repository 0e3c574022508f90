/**
 * Parsers and formatters for the numbers on the command line: sizes ("64M"), durations in
 * seconds ("0.5"), and human sizes for progress lines and tables. The parsers are commander
 * argument parsers: they throw commander's `InvalidArgumentError`, which commander turns into
 * a usage error naming the option and the input.
 * @module
 */
import { InvalidArgumentError } from 'commander';

const SIZE_SUFFIX: Readonly<Record<string, number>> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * A positive byte count: an integer with an optional binary suffix, `K`, `M`, `G` or `T`
 * (`64M` is 64 MiB; `64MiB` and `64MB` are read the same way).
 */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  const multiplier = match ? SIZE_SUFFIX[(match[2] ?? '').toLowerCase()] : undefined;
  const value = match && multiplier !== undefined ? Number(match[1]) * multiplier : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError('Expected a positive number of bytes, such as 1048576 or 64M.');
  return value;
}

/** A positive whole count, such as a number of waiters. */
export function parseCount(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError('Expected a positive whole number, such as 10000.');
  return value;
}

/** A positive duration in seconds, decimals allowed (`0.5`), returned in milliseconds. */
export function parseSeconds(text: string): number {
  const seconds = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : NaN;
  const ms = Math.ceil(seconds * 1000);
  // setTimeout's ceiling is 2^31-1 ms (about 24.8 days); past it Node would fire at once.
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2 ** 31 - 1) throw new InvalidArgumentError('Expected a positive number of seconds (at most 2147483), such as 30 or 0.5.');
  return ms;
}

/** A byte count for people: `512 B`, `3.2 KiB`, `64.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TiB'}`;
}

/** Milliseconds for people: `850 ms`, `2.4 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

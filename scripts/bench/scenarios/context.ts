/**
 * The processes every scenario shares: one server process per system, one client process per
 * system, and progress logging.
 * @module
 */
import type { SystemName } from '../drivers/make.js';
import type { RoleProcess } from '../lib/child.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Context {
  /** The proxymesh peer process (server side of every proxymesh scenario). */
  readonly peer: RoleProcess;
  readonly peerAddress: string;
  readonly redisPort: number;
  /** What each system's client connects to: a port, or the peer address. */
  readonly targets: Readonly<Record<SystemName, string>>;
  readonly clients: Readonly<Record<SystemName, RoleProcess>>;
}

/** A progress line on stderr (stdout stays clean). */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Waits until the peer counts at least `n` waiters (bounded). */
export async function waitForWaiters(peer: RoleProcess, n: number, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const stats = await peer.call<{ waiters: number }>('stats');
    if (stats.waiters >= n) return;
    await sleep(n > 100 ? 20 : 1);
  }
  throw new Error(`the peer did not see ${n} waiters within ${limitMs} ms`);
}

/** Microseconds as µs or ms. */
export { us } from '../report/format.js';

/** Human units: 1.23 GB/s (decimal, per second). */
export function rate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond)) return '–';
  if (bytesPerSecond >= 1e9) return `${(bytesPerSecond / 1e9).toFixed(2)} GB/s`;
  if (bytesPerSecond >= 1e6) return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  return `${(bytesPerSecond / 1e3).toFixed(1)} kB/s`;
}

/**
 * A crowded host, bounded: 16 processes on this machine, each with `new MeshConnector()` (its
 * embedded peer on a worker thread), put one 64 KiB object each, then all at once each gets
 * every other process's object, sets one future and awaits another (the bench runs the same
 * exchange at 128 processes: scripts/bench/crowd/). Many processes starting and connecting at
 * once on two cores make owners slow to accept; a slow owner must be waited for, not reported dead.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCrowdExchange } from '../../scripts/bench/crowd/exchange.js';

const PROCESSES = 16;

describe('a crowded host', () => {
  // Proves: 16 processes exchanging all-to-all (240 gets, 16 futures) lose nothing: every get and future is served with the right bytes, none fails.
  it('serves every get and future of 16 processes all-to-all', async () => {
    const row = await runCrowdExchange({
      processes: PROCESSES,
      size: 64 * 1024,
      deadlineMs: 60_000,
      library: fileURLToPath(new URL('../../src/index.ts', import.meta.url)),
      execArgv: ['--import', 'tsx'],
    });
    expect({ failed: row.failed, wrong: row.wrong, failures: row.firstFailures }).toEqual({ failed: 0, wrong: 0, failures: [] });
    expect(row.gets).toBe(PROCESSES * (PROCESSES - 1));
    expect(row.futures).toBe(PROCESSES);
    console.info(`crowded host, ${PROCESSES} processes: start ${row.startSeconds.toFixed(1)} s, puts ${row.putSeconds.toFixed(1)} s, exchange ${row.exchangeSeconds.toFixed(1)} s, RSS per process ${(row.rssMedian / 2 ** 20).toFixed(0)} MiB median`);
  }, 600_000);
});

/**
 * The crowded-host group (issue 14): `processes` user processes on this machine doing the
 * all-to-all exchange of exchange.ts, each plain `node` importing the package by its name
 * (dist/, rebuilt first when stale) with Node's default flags, as a batch job's tasks would.
 * @module
 */
import type { CrowdConfig } from '../config.js';
import { sizeLabel } from '../config.js';
import { log } from '../scenarios/context.js';
import { ensureDist } from '../workflow/dist.js';
import { runCrowdExchange } from './exchange.js';
import type { CrowdRow } from './types.js';

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

export async function runCrowd(plan: CrowdConfig): Promise<CrowdRow[]> {
  ensureDist();
  const row = await runCrowdExchange(plan);
  log(
    `  crowd ${row.processes} processes × ${sizeLabel(row.size)}: ${row.gets} of ${row.expectedGets} gets, ${row.futures} of ${row.processes} futures, ${row.failed} failed, ${row.wrong} wrong; ` +
      `start ${row.startSeconds.toFixed(1)} s, puts ${row.putSeconds.toFixed(1)} s, exchange ${row.exchangeSeconds.toFixed(1)} s; RSS per process ${mib(row.rssMedian)} MiB median, ${mib(row.rssMax)} MiB max`,
  );
  for (const [kind, count] of Object.entries(row.failureKinds)) log(`    ${count}× ${kind}`);
  return [row];
}

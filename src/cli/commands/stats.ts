/**
 * `proxymesh stats --peer ADDR [--json]`: what a peer holds now (objects, bytes, deferred keys
 * not set yet, waiters), as a table for people or one JSON object for scripts.
 * @module
 */
import type { Command } from 'commander';
import { peerOption } from '../arguments.js';
import { printLine } from '../io.js';
import type { PeerStats } from '../../index.js';
import { withConnector } from '../connector.js';
import { formatBytes } from '../units.js';

interface StatsOptions {
  readonly peer: string;
  readonly json?: boolean;
}

function table(stats: PeerStats): string {
  const rows: [string, string][] = [
    ['peer', stats.peer],
    ['incarnation', stats.incarnation],
    ['objects', String(stats.objects)],
    ['bytes', `${stats.bytes} (${formatBytes(stats.bytes)})`],
    ['pending keys', String(stats.pendingKeys)],
    ['waiters', String(stats.waiters)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

/** Adds `stats` to the program. */
export function registerStats(program: Command): void {
  program
    .command('stats')
    .summary("print a peer's counters (objects, bytes, pending keys, waiters)")
    .description('Print what the peer at --peer holds now: objects and their bytes, deferred keys not set yet (pending keys) and waiting await calls (waiters).')
    .addOption(peerOption('the peer to ask'))
    .option('--json', 'print one JSON object: {peer, incarnation, objects, bytes, pendingKeys, waiters}')
    .action(async (options: StatsOptions) => {
      const stats = await withConnector(options.peer, (mesh) => mesh.stats());
      await printLine(options.json === true ? JSON.stringify(stats) : table(stats));
    });
}

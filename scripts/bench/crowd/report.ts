/**
 * The crowded-host group's section of BENCHMARKS.md.
 * @module
 */
import { sizeLabel } from '../config.js';
import { table } from '../report/format.js';
import type { CrowdRow } from './types.js';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const s = (seconds: number): string => `${seconds.toFixed(1)} s`;

export function crowdSection(rows: readonly CrowdRow[] | undefined): string {
  if (rows === undefined || rows.length === 0) return '';
  return `## Crowded host: N processes all-to-all (issue 14)

N user processes on this machine (plain \`node\`, default flags, the package from dist/), each with \`new MeshConnector()\`: each puts one object and makes one future, then all at once each gets every other process's object (60 s deadline each) and checks its bytes, sets the future of the process before it and awaits the one of the process two before it. RSS is each process's own after its exchange.

${table(
  ['processes', 'object', 'gets ok / expected', 'futures', 'failed', 'wrong bytes', 'start', 'puts (peers start)', 'exchange', 'RSS per process (median, max)', 'first failure'],
  rows.map((r) => [String(r.processes), sizeLabel(r.size), `${r.gets} / ${r.expectedGets}`, `${r.futures} / ${r.processes}`, String(r.failed), String(r.wrong), s(r.startSeconds), s(r.putSeconds), s(r.exchangeSeconds), `${mib(r.rssMedian)}, ${mib(r.rssMax)}`, (r.firstFailures[0] ?? '').slice(0, 160)]),
)}
`;
}

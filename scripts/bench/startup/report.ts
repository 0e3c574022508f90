/**
 * The start-up group's section of BENCHMARKS.md, with issue 14's targets judged from its rows.
 * @module
 */
import { table } from '../report/format.js';
import type { StartupRow } from './types.js';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (value: number): string => `${value.toFixed(0)} ms`;
const verdict = (met: boolean): string => (met ? '✅ met' : '❌ unmet');

export function startupSection(rows: readonly StartupRow[] | undefined): string {
  if (rows === undefined || rows.length === 0) return '';
  const by = new Map(rows.map((r) => [r.mode, r]));
  const node = by.get('node');
  const over = (mode: StartupRow['mode']): number | undefined => {
    const r = by.get(mode);
    return r && node ? r.rssBytes.median - node.rssBytes.median : undefined;
  };
  const proxy = by.get('proxy');
  const grpc = by.get('grpc');
  const targets: string[][] = [];
  if (proxy && grpc) {
    const ratio = proxy.spawnToValueMs.median / grpc.spawnToValueMs.median;
    targets.push(['fresh process, spawn to a revived proxy\'s value: ≤ 1.5× a fresh bare grpc-js unary call', `${ratio.toFixed(2)}× (${ms(proxy.spawnToValueMs.median)} vs ${ms(grpc.spawnToValueMs.median)})`, verdict(ratio <= 1.5)]);
  }
  const remote = by.get('remote');
  if (remote && grpc) {
    const ratio = remote.spawnToValueMs.median / grpc.spawnToValueMs.median;
    targets.push(['the same, owner\'s files not readable (as from another host)', `${ratio.toFixed(2)}× (${ms(remote.spawnToValueMs.median)} vs ${ms(grpc.spawnToValueMs.median)})`, verdict(ratio <= 1.5)]);
  }
  const reader = over('proxy');
  if (reader !== undefined) targets.push(['a process that only reads adds ≤ 15 MiB RSS to a bare `node`', `+${mib(reader)}`, verdict(reader <= 15 * 2 ** 20)]);
  const remoteReader = over('remote');
  if (remoteReader !== undefined) targets.push(['the same, owner\'s files not readable (as from another host)', `+${mib(remoteReader)}`, verdict(remoteReader <= 15 * 2 ** 20)]);
  const peer = over('peer');
  if (peer !== undefined) targets.push(['an embedded peer adds ≤ 25 MiB RSS to a bare `node`', `+${mib(peer)}`, verdict(peer <= 25 * 2 ** 20)]);
  const peerMain = over('peer-main');
  if (peerMain !== undefined) targets.push(["the same, `thread: 'main'` (no isolate of its own)", `+${mib(peerMain)}`, verdict(peerMain <= 25 * 2 ** 20)]);
  const imported = over('import');
  const http2Thread = over('http2-thread');
  if (imported !== undefined && http2Thread !== undefined) {
    // The sum is not a process of its own: the import's main thread plus the least a thread that
    // serves HTTP/2 costs, whatever its gRPC server is written with.
    targets.push(['floor of an embedded peer on its own thread: import + a worker listening with `node:http2`', `+${mib(imported + http2Thread)} (+${mib(imported)} + ${mib(http2Thread)})`, 'what is left for the gRPC server and the peer']);
  }
  return `## Start-up and footprint per process (issue 14)

Fresh processes as a workflow starts them, one per task: plain \`node\` with Node's default flags on \`scripts/bench/startup/cold.mjs\`, the package by its name; the kinds interleaved, ${rows[0]?.runs ?? 0} of each. Spawn to value is from the parent's \`spawn\` to the child having its value (wall clocks of both). Memory is the child's own after its value and one full collection (not timed): RSS, and the main thread's heap. The proxy's owner is another long-running process with \`new MeshConnector()\`; each reader revives a proxy of its own. A reader on the owner's host reads the object from the owner's file (host reads: no gRPC, no bridge thread); the *remote* rows take the path of a reader on another host, the owner's files made unreadable with \`sharedMemory: false\`.

${table(['target (issue 14)', 'measured', 'met?'], targets)}

${table(
  ['process', 'spawn to value, median (min–max)', 'RSS, median (min–max)', 'RSS over bare node', 'main heap, median'],
  rows.map((r) => [r.label, `${ms(r.spawnToValueMs.median)} (${ms(r.spawnToValueMs.min)}–${ms(r.spawnToValueMs.max)})`, `${mib(r.rssBytes.median)} (${mib(r.rssBytes.min)}–${mib(r.rssBytes.max)})`, r.mode === 'node' ? '–' : `+${mib(over(r.mode) ?? 0)}`, mib(r.heapBytes.median)]),
)}
`;
}

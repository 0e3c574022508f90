/**
 * The start-up group (issue 14): fresh processes as a workflow starts them, one per task, each
 * plain `node` with Node's default flags. A process that revives a proxy and uses it at once
 * against one that loads bare grpc-js and makes one unary call to a running server; and the
 * memory each role adds to a bare `node`: import only, a reader that resolved a proxy, an
 * embedded peer holding one small object. The kinds run interleaved, `runs` times each.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { log } from '../scenarios/context.js';
import { quantile } from '../lib/stats.js';
import { ensureDist } from '../workflow/dist.js';
import { startProcess } from '../lib/child.js';
import { startUser, withUsers } from '../workflow/spawn.js';
import type { Spread, StartupRow } from './types.js';

export type { StartupRow } from './types.js';

const COLD = fileURLToPath(new URL('cold.mjs', import.meta.url));
const OWNER = fileURLToPath(new URL('owner.mjs', import.meta.url));
const CHILD_MS = 60_000;
const LABELS: Record<StartupRow['mode'], string> = {
  node: 'bare `node` (nothing loaded)',
  grpc: 'bare grpc-js: require it, one unary call of 100 B to a running server',
  import: "proxymesh: `import('proxymesh')` only",
  proxy: 'proxymesh: import, revive a proxy of 100 B (owner: another process of this host), use it synchronously',
  remote: 'the same, owner with `sharedMemory: false` (the path from another host: gRPC through the bridge thread)',
  peer: 'proxymesh: import, `new MeshConnector()`, put 10 B (its embedded peer starts)',
  'peer-main': "the same with `thread: 'main'` (the peer on the main thread: no isolate of its own)",
  thread: 'no package: bare `node` with one worker thread that loads nothing',
  'http2-thread': 'no package: bare `node` with one worker thread listening with `node:http2` (the least any peer on its own thread loads)',
};

interface ColdReport {
  readonly valueAt: number;
  readonly rss: number;
  readonly heapUsed: number;
}

/** Spawns one fresh process and reads its report; bounded. */
function cold(mode: StartupRow['mode'], arg: string): Promise<{ ms: number; rss: number; heap: number }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, [COLD, mode, arg], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`startup ${mode}: no value within ${CHILD_MS} ms`));
    }, CHILD_MS);
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`startup ${mode}: exited with ${code}`));
      try {
        const r = JSON.parse(out) as ColdReport;
        resolve({ ms: r.valueAt - spawnedAt, rss: r.rss, heap: r.heapUsed });
      } catch (error) {
        reject(new Error(`startup ${mode}: unreadable report ${JSON.stringify(out)} (${String(error)})`));
      }
    });
  });
}

const spread = (values: number[]): Spread => ({ median: quantile(values, 0.5), min: Math.min(...values), max: Math.max(...values) });

export async function runStartup(runs: number): Promise<StartupRow[]> {
  ensureDist();
  return withUsers([startProcess('startup owner', OWNER, [], []), startUser('raw-grpc', ['server'])], async ([owner, server]) => {
    const port = String((server!.info as { port: number }).port);
    const modes: StartupRow['mode'][] = ['node', 'grpc', 'import', 'proxy', 'remote', 'peer', 'peer-main', 'thread', 'http2-thread'];
    const samples = new Map(modes.map((m) => [m, [] as { ms: number; rss: number; heap: number }[]]));
    for (let i = 0; i < runs; i++) {
      for (const mode of modes) {
        // Each reader gets a proxy of its own, as each task of a workflow does.
        const arg = mode === 'grpc' ? port : mode === 'proxy' || mode === 'remote' ? await owner!.call<string>(mode, { size: 100, fill: 7 }) : '';
        samples.get(mode)!.push(await cold(mode, arg));
      }
    }
    return modes.map((mode) => {
      const s = samples.get(mode)!;
      const row: StartupRow = { mode, label: LABELS[mode], runs, spawnToValueMs: spread(s.map((x) => x.ms)), rssBytes: spread(s.map((x) => x.rss)), heapBytes: spread(s.map((x) => x.heap)) };
      log(`  startup ${mode}: spawn to value ${row.spawnToValueMs.median.toFixed(0)} ms, RSS ${(row.rssBytes.median / 2 ** 20).toFixed(1)} MiB`);
      return row;
    });
  });
}

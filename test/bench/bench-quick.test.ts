/**
 * The benchmark suite's quick mode, as a smoke test: every scenario runs end to end across its
 * processes and records results. It asserts nothing about speed (timings belong in
 * BENCHMARKS.md, never in tests), only that the suite works.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

// `npm run bench -- --quick` finishes, writes its JSON and reports no failed scenario.
it('runs every benchmark scenario in quick mode', async () => {
  const before = new Set(safeList(`${root}bench-results`));
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/bench/main.ts', '--quick'], { cwd: root, timeout: 460_000, maxBuffer: 16 << 20 });
  const written = safeList(`${root}bench-results`).filter((f) => f.endsWith('-quick.json') && !before.has(f));
  expect(written).toHaveLength(1);
  const results = JSON.parse(readFileSync(`${root}bench-results/${written[0]!}`, 'utf8')) as QuickResults;
  expect(results.quick).toBe(true);
  expect(results.errors).toEqual([]);
  expect(results.transfers.length).toBeGreaterThan(0);
  expect(results.wake.length).toBeGreaterThan(0);
  expect(results.crowd?.[0]).toMatchObject({ processes: 4, failed: 0, wrong: 0 });
  expect(results.startup?.map((r) => r.mode)).toEqual(['node', 'grpc', 'import', 'proxy', 'remote', 'peer', 'peer-main', 'thread', 'http2-thread']);
  for (const r of results.startup ?? []) expect(r.spawnToValueMs.median).toBeGreaterThan(0);
  // The workflow group (issue 13): every part ran, on every connector, with its baselines.
  const w = results.workflow;
  expect(w).toBeDefined();
  expect(w?.pipelining.map((p) => p.connector).sort()).toEqual(['file', 'mesh', 'redis']);
  for (const p of w?.pipelining ?? []) expect(p.pipelined.median).toBeGreaterThan(0);
  expect(w?.hops.map((h) => h.owner).sort()).toEqual(['producer', 'third']);
  expect(w?.bareHops).toHaveLength(1);
  // The round trip, its echo, and the extra row with the owner's peer on its main thread.
  expect(w?.roundTrip).toHaveLength(4);
  expect(w?.large.map((l) => `${l.system} ${l.op}`).sort()).toEqual(['grpc-stream get', 'grpc-stream put', 'proxymesh get', 'proxymesh put']);
  expect(w?.peak.length).toBeGreaterThan(0);
  // The streams group (issue 17): every shim, both sizes, proxies and bytes by value, each measured.
  expect(results.streams?.map((r) => `${r.shim} ${r.size} ${r.mode}`).sort()).toEqual(
    ['mesh-topic', 'redis-pubsub', 'redis-streams'].flatMap((shim) => [100, 1048576].flatMap((size) => [`${shim} ${size} proxy`, `${shim} ${size} value`])).sort(),
  );
  for (const r of results.streams ?? []) expect(r.eventsPerSecond).toBeGreaterThan(0);
  // The executor group (issue 16): the same BullMQ workflow with proxies and by value, both measured.
  expect(results.executor?.map((r) => r.mode).sort()).toEqual(['proxy', 'value']);
  for (const r of results.executor ?? []) expect(r.seconds.median).toBeGreaterThan(0);
  // Generous: it shares two cores with the rest of the suite, whose load stretches it (about 100 s
  // alone before the streams group, which adds about a minute of process starts and transfers).
}, 480_000);

/** What the test reads of a run's JSON (scripts/bench/results.ts). */
interface QuickResults {
  quick: boolean;
  errors: string[];
  transfers: unknown[];
  wake: unknown[];
  streams?: { shim: string; size: number; mode: string; eventsPerSecond: number }[];
  executor?: { mode: string; seconds: { median: number } }[];
  crowd?: { processes: number; failed: number; wrong: number }[];
  startup?: { mode: string; spawnToValueMs: { median: number } }[];
  workflow?: {
    pipelining: { connector: string; pipelined: { median: number } }[];
    hops: { owner: string }[];
    bareHops: unknown[];
    roundTrip: unknown[];
    large: { system: string; op: string }[];
    peak: unknown[];
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

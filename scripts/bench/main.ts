/**
 * The benchmark suite of issue 5: `node --import tsx scripts/bench/main.ts [--quick]`; the
 * partial-run and Node-flag options are described where they are read (below, lib/flags.ts).
 *
 * Every system's server runs in its own process (raw TCP, bare grpc-js, redis-server, a
 * proxymesh peer) and every client too; scenarios run one after another, each warmed up and
 * repeated. Writes `bench-results/<timestamp>.json`, `BENCHMARKS.md` and `BENCHMARKS.svg`.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { FULL, QUICK } from './config.js';
import { SYSTEMS, type SystemName } from './drivers/make.js';
import { startRole, stopAll, type RoleProcess } from './lib/child.js';
import { flagValue } from './lib/flags.js';
import { commit, describeMachine } from './lib/machine.js';
import { startRedis } from './lib/redis-server.js';
import { markdownReport } from './report/markdown.js';
import { svgChart } from './report/svg.js';
import type { Results } from './results.js';
import { runCrowd } from './crowd/index.js';
import { runStartup } from './startup/index.js';
import { runBatches } from './scenarios/batches.js';
import { runConsumer } from './scenarios/consumer.js';
import { log, type Context } from './scenarios/context.js';
import { runFanout } from './scenarios/fanout.js';
import { runMesh } from './scenarios/mesh.js';
import { runPrototypes } from './scenarios/prototypes.js';
import { runTransfers } from './scenarios/transfers.js';
import { runWake } from './scenarios/wake.js';
import { runWorkflow } from './workflow/index.js';
import { executorPlan, runExecutor } from './executor/index.js';
import { runStreams, streamPlan } from './streams/index.js';
import type { WorkflowResults } from './workflow/types.js';

const base = process.argv.includes('--quick') ? QUICK : FULL;
// `--sizes=67108864,1073741824` limits the transfers to these object sizes (bytes), for tuning one
// size at a time; like `--only`, such a run writes its report to bench-results/ only.
const sizesFlag = flagValue('sizes')?.split(',').map(Number);
const config = sizesFlag === undefined ? base : { ...base, sizes: sizesFlag, concurrentSizes: base.concurrentSizes.filter((s) => sizesFlag.includes(s)) };
// `--only=transfers,future` runs the scenarios whose names start with these words, for tuning one
// thing at a time; such a partial run writes its report to bench-results/ only.
const only = flagValue('only')?.split(',');
const root = new URL('../../', import.meta.url);
const startedAt = new Date();
const t0 = performance.now();
const loadAtStart = loadavg()[0] ?? 0;
const commitAtStart = commit();

async function portOf(role: RoleProcess): Promise<string> {
  return String((role.info as { port: number }).port);
}

async function run(): Promise<Results> {
  const redis = await startRedis();
  try {
    const [tcp, grpc, peer] = await Promise.all([startRole('tcp-server'), startRole('grpc-server'), startRole('mesh-peer')]);
    const peerAddress = (peer.info as { address: string }).address;
    const targets: Record<SystemName, string> = {
      tcp: await portOf(tcp),
      'grpc-unary': await portOf(grpc),
      'grpc-stream': await portOf(grpc),
      'grpc-checked': await portOf(grpc),
      redis: String(redis.port),
      proxymesh: peerAddress,
    };
    const started = await Promise.all(SYSTEMS.map((s) => startRole('client', [s, targets[s]])));
    const clients = Object.fromEntries(SYSTEMS.map((s, i) => [s, started[i] as RoleProcess])) as Record<SystemName, RoleProcess>;
    const ctx: Context = { peer, peerAddress, redisPort: redis.port, targets, clients };
    const [setter, waiter] = await Promise.all([0, 1].map(() => startRole('futures', [peerAddress, String(redis.port), targets['grpc-unary']])));
    if (!setter || !waiter) throw new Error('futures processes did not start');

    const errors: string[] = [];
    /** Runs a scenario; a failure is recorded and the run goes on with the next one. */
    const attempt = async <T>(name: string, fallback: T, scenario: () => Promise<T>): Promise<T> => {
      if (only !== undefined && !only.some((o) => name.startsWith(o))) return fallback;
      log(name);
      try {
        return await scenario();
      } catch (error) {
        errors.push(`${name}: ${String(error)}`);
        log(`  FAILED ${name}: ${String(error)}`);
        return fallback;
      }
    };
    log(`proxymesh bench (${config.quick ? 'quick' : 'full'})`);
    // First: the headline, measured before the tuned groups leave their memory behind.
    const workflow = await attempt<WorkflowResults | undefined>('workflow', undefined, () => runWorkflow(config.workflow, redis.port, errors));
    const startup = await attempt('startup', [], () => runStartup(config.startupRuns));
    const transfers = await attempt('transfers', [], () => runTransfers(config, ctx, errors));
    // Only the transfers use raw TCP, and its two processes end them holding ~11 GB of RSS that
    // garbage collection does not give back (Tuning §22): stopped, so later scenarios have the memory.
    await Promise.all([tcp.stop(), clients.tcp.stop()]);
    const batches = await attempt('batches', [], () => runBatches(config, ctx));
    const wake = await attempt('future wake-up', [], () => runWake(config, ctx, setter, waiter));
    const fanout = await attempt('fan-out and memory per waiter', [], () => runFanout(config, ctx));
    const consumer = await attempt('consumer peak memory', [], () => runConsumer(config, ctx));
    const mesh = await attempt('all-to-all mesh', [], async () => [await runMesh(config)]);
    const crowd = await attempt('crowded host', [], () => runCrowd(config.crowd));
    const streams = await attempt('streams', [], () => runStreams(streamPlan(config.quick), redis.port));
    const executor = await attempt('executor', [], () => runExecutor(executorPlan(config.quick), redis.port));
    const prototypes = await attempt('tuning prototypes', { large: [], small: [], retained: [] }, () => runPrototypes(config, ctx, errors));
    return {
      startedAt: startedAt.toISOString(),
      quick: config.quick,
      partial: process.argv.filter((a) => a.startsWith('--only=') || a.startsWith('--sizes=')).join(' ') || undefined,
      seconds: (performance.now() - t0) / 1000,
      machine: describeMachine(redis.version, loadAtStart, commitAtStart),
      workflow,
      transfers,
      batches,
      wake,
      fanout,
      consumer,
      mesh,
      crowd,
      startup,
      streams,
      executor,
      prototypes,
      errors,
    };
  } finally {
    await stopAll();
    await redis.stop();
  }
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
const results = await run();
const out = new URL('bench-results/', root);
mkdirSync(out, { recursive: true });
const jsonFile = new URL(`${startedAt.toISOString().replace(/[:.]/g, '-')}${config.quick ? '-quick' : ''}.json`, out);
writeFileSync(jsonFile, JSON.stringify(results, null, 2));
// A quick run is a smoke test: its report stays in bench-results/, the full run's stays in the repo.
const reportDir = config.quick || only !== undefined || sizesFlag !== undefined ? out : root;
writeFileSync(new URL('BENCHMARKS.md', reportDir), markdownReport(results));
writeFileSync(new URL('BENCHMARKS.svg', reportDir), svgChart(results));
log(`done in ${results.seconds.toFixed(0)} s: ${jsonFile.pathname}; ${new URL('BENCHMARKS.md', reportDir).pathname} and .svg`);

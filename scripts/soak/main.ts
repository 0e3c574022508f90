/**
 * Load and soak: several processes, each a `MeshConnector` with an embedded peer, run continuous
 * put/get/exists/evict flows and futures with thousands of concurrent waiters, with keys owned
 * all over the mesh, for a configurable time. Every value read back is checked byte for byte
 * against what was written; at the end every peer must hold nothing (everything put was
 * evicted, every waiter woken or cancelled). Loopback only.
 *
 *   node --import tsx scripts/soak/main.ts [--duration 30s] [--processes 4] [--waiters 2000] [--quick]
 *
 * Prints operations by kind, errors by name, memory per process (RSS at start, peak, end) and
 * leftovers, then one `soak-result {json}` line. Exit code 0 when there were no mismatches, no
 * unexpected errors and no leftovers; 1 otherwise; 2 for a usage error.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MeshConnector } from '../../src/connectors/mesh.js';
import type { Counters, FromWorker, Sample, SoakConfig, SoakSummary, ToWorker, WorkerResult } from './protocol.js';

const USAGE = `usage: node --import tsx scripts/soak/main.ts [options]
  --duration TIME        how long to load the mesh: 500ms, 30s, 5m (default 30s)
  --processes N          mesh processes, each with its own peer (default 4)
  --waiters N            waiters kept pending across the mesh (default 2000)
  --flows N              concurrent put/get/evict flows per process (default 8)
  --max-value-bytes N    largest value written (default 1572864: a few values span several pieces)
  --seed N               the run's choices (default: random, printed)
  --quick                the CI version: 10s, 3 processes, 300 waiters, 4 flows
  --help`;

class UsageError extends Error {}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(text)}.`);
  return n;
}

function duration(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--duration must look like 500ms, 30s or 5m, got ${JSON.stringify(text)}.`);
  const unit = match[2] ?? 's';
  return Math.round(Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000));
}

function configFrom(argv: string[]): SoakConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      processes: { type: 'string' },
      waiters: { type: 'string' },
      flows: { type: 'string' },
      'max-value-bytes': { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const quick = values.quick;
  const durationMs = duration(values.duration, quick ? 10_000 : 30_000);
  return {
    durationMs,
    processes: positiveInt('processes', values.processes, quick ? 3 : 4),
    waiters: positiveInt('waiters', values.waiters, quick ? 300 : 2_000),
    dataFlows: positiveInt('flows', values.flows, quick ? 4 : 8),
    maxValueBytes: positiveInt('max-value-bytes', values['max-value-bytes'], 1_572_864),
    maxOpsPerFlow: 1_000_000,
    drainMs: 30_000,
    seed: values.seed === undefined ? randomInt(2 ** 31) : positiveInt('seed', values.seed, 1),
  };
}

/** One mesh process as the coordinator sees it. */
interface Member {
  readonly index: number;
  readonly child: ChildProcess;
  address: string;
  pid: number;
  start?: Sample;
  latest?: Sample;
  end?: Sample;
  peakRss: number;
  loopDelayMaxMs: number;
  result?: WorkerResult;
  exited: boolean;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

/** Resolves when `done()` holds, checking after every message and exit; rejects after `ms` naming `what`. */
function until(members: readonly Member[], done: () => boolean, what: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (done()) return resolve();
    const check = (): void => {
      if (!done()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Timed out after ${ms} ms waiting until ${what}.`));
    }, ms);
    const cleanup = (): void => {
      clearTimeout(timer);
      for (const m of members) m.child.off('message', check).off('exit', check);
    };
    // 'exit' listeners registered later than the one that marks a member exited run after it.
    for (const m of members) m.child.on('message', check).on('exit', check);
  });
}

async function soak(config: SoakConfig): Promise<boolean> {
  const failures: string[] = [];
  console.log(
    `soak: ${config.processes} processes, ${config.durationMs / 1000} s, ${config.waiters} waiters kept pending, ${config.dataFlows} data flows per process, values up to ${config.maxValueBytes} bytes, seed ${config.seed}`,
  );
  const members: Member[] = Array.from({ length: config.processes }, (_, index) => {
    const child = fork(WORKER, [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[process ${index}] ${line}\n`));
    }
    return { index, child, address: '', pid: child.pid ?? 0, peakRss: 0, loopDelayMaxMs: 0, exited: false };
  });
  let peakWaiters = 0;
  let peakStreams = 0;
  const send = (m: Member, message: ToWorker): void => {
    if (!m.exited && m.child.connected) m.child.send(message);
  };
  const track = (m: Member, s: Sample): void => {
    m.latest = s;
    m.peakRss = Math.max(m.peakRss, s.rss);
    m.loopDelayMaxMs = Math.max(m.loopDelayMaxMs, s.loopDelayMaxMs);
    peakWaiters = Math.max(peakWaiters, members.reduce((n, x) => n + (x.latest?.pendingWaits ?? 0), 0));
    peakStreams = Math.max(peakStreams, members.reduce((n, x) => n + (x.latest?.waiters ?? 0), 0));
  };
  let stopping = false;
  for (const m of members) {
    m.child.on('message', (raw) => {
      const message = raw as FromWorker;
      switch (message.type) {
        case 'ready':
          m.address = message.address;
          m.pid = message.pid;
          m.start = message.sample;
          track(m, message.sample);
          return;
        case 'send': {
          const to = members[message.to];
          if (to) send(to, { type: 'order', from: m.index, order: message.order });
          return;
        }
        case 'sample':
          track(m, message.sample);
          return;
        case 'drained':
          m.result = message.result;
          m.end = message.sample;
          track(m, message.sample);
          return;
      }
    });
    m.child.on('exit', (code, signal) => {
      m.exited = true;
      if (!stopping) failures.push(`process ${m.index} (pid ${m.pid}) exited during the run (code ${code}, signal ${signal})`);
    });
  }
  // Whatever happens below, no process outlives the run.
  const killAll = (): void => {
    for (const m of members) if (!m.exited) m.child.kill('SIGKILL');
  };
  const watchdog = setTimeout(
    () => {
      process.stderr.write('soak: the run took far longer than its duration and drain time; stopping every process.\n');
      killAll();
      process.exit(1);
    },
    config.durationMs + config.drainMs + 120_000,
  );
  watchdog.unref();

  const stats = new MeshConnector({ timeoutMs: 10_000 });
  const leftovers: string[] = [];
  const phases: string[] = [];
  let mark = Date.now();
  const phase = (name: string): void => {
    phases.push(`${name} ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  let elapsedMs = 0;
  try {
    await until(members, () => members.every((m) => m.start !== undefined) || failures.length > 0, 'every process has started its peer', 60_000);
    if (failures.length > 0) throw new Error(failures.join('; '));
    phase('start');
    const peers = members.map((m) => m.address);
    for (const m of members) send(m, { type: 'start', index: m.index, peers, config });
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, config.durationMs);
      // A process that dies ends the load phase at once.
      for (const m of members) m.child.once('exit', () => (clearTimeout(timer), resolve()));
    });
    elapsedMs = Date.now() - started;
    phase('load');
    for (const m of members) send(m, { type: 'drain' });
    await until(members, () => members.every((m) => m.result !== undefined || m.exited), 'every process has drained', config.drainMs + 30_000);
    phase('drain');

    // Cancelled waits are freed as their owner notices the cancellation: give that a moment, bounded.
    const holding = async (): Promise<string[]> => {
      const found: string[] = [];
      for (const m of members) {
        if (m.exited) continue;
        const s = await stats.stats(m.address);
        if (s.objects || s.bytes || s.pendingKeys || s.waiters) found.push(`process ${m.index} (${m.address}): ${s.objects} objects, ${s.bytes} bytes, ${s.pendingKeys} pending keys, ${s.waiters} waiters`);
      }
      return found;
    };
    let left = await holding();
    for (const deadline = Date.now() + 10_000; left.length > 0 && Date.now() < deadline; left = await holding()) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    leftovers.push(...left);
    phase('leftover check');
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    stopping = true;
    await stats.close();
    for (const m of members) send(m, { type: 'exit' });
    await until(members, () => members.every((m) => m.exited), 'every process has exited', 15_000).catch(() => killAll());
    clearTimeout(watchdog);
    phase('exit');
  }

  // --- the report -------------------------------------------------------------------------------
  const sum = (pick: (r: WorkerResult) => Counters): Counters => {
    const total: Counters = {};
    for (const m of members) for (const [k, v] of Object.entries(m.result ? pick(m.result) : {})) total[k] = (total[k] ?? 0) + v;
    return total;
  };
  const ops = sum((r) => r.ops);
  const errors = sum((r) => r.errors);
  const results = members.flatMap((m) => (m.result ? [m.result] : []));
  const mismatches = results.reduce((n, r) => n + r.mismatches, 0);
  const unfinished = results.reduce((n, r) => n + r.unfinished, 0);
  const verified = results.reduce((n, r) => n + r.verifiedBytes, 0);
  const errorCount = Object.values(errors).reduce((n, v) => n + v, 0);
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const width = Math.max(...Object.keys(ops).map((k) => k.length), 10);

  console.log(`phases: ${phases.join(', ')}`);
  console.log(`operations (${seconds.toFixed(1)} s of load):`);
  for (const [kind, n] of Object.entries(ops).sort()) console.log(`  ${kind.padEnd(width)} ${String(n).padStart(9)}  ${(n / seconds).toFixed(0).padStart(7)}/s`);
  console.log(`values checked byte for byte: ${(verified / 1024 / 1024).toFixed(1)} MiB; mismatches: ${mismatches}`);
  for (const example of results.flatMap((r) => r.mismatchExamples).slice(0, 10)) console.log(`  mismatch: ${example}`);
  console.log(`errors: ${errorCount === 0 ? 'none' : Object.entries(errors).map(([name, n]) => `${name} ${n}`).join(', ')}`);
  for (const example of results.flatMap((r) => r.errorExamples).slice(0, 10)) console.log(`  error: ${example}`);
  console.log(`waiters pending at once (sum over processes, sampled): peak ${peakWaiters}, sharing at most ${peakStreams} Await streams on the peers`);
  console.log('memory per process: RSS MB start / peak / end; JS heap MB after GC start / end; longest event-loop stall:');
  for (const m of members) {
    console.log(
      `  process ${m.index} (pid ${m.pid}): RSS ${mb(m.start?.rss ?? 0)} / ${mb(m.peakRss)} / ${mb(m.end?.rss ?? 0)}; heap ${mb(m.start?.heapUsed ?? 0)} / ${mb(m.end?.heapUsed ?? 0)}; stall ${m.loopDelayMaxMs.toFixed(0)} ms`,
    );
  }
  console.log(`leftovers: ${leftovers.length === 0 ? 'none (every peer holds 0 objects, 0 pending keys, 0 waiters)' : ''}`);
  for (const l of leftovers) console.log(`  ${l}`);
  if (unfinished > 0) failures.push(`${unfinished} operations were still in flight when the drain time ran out`);
  if (results.length < members.length) failures.push(`${members.length - results.length} processes did not report`);
  for (const f of failures) console.log(`failure: ${f}`);

  const pass = mismatches === 0 && errorCount === 0 && leftovers.length === 0 && failures.length === 0;
  console.log(`soak: ${pass ? 'PASS' : 'FAIL'} (${mismatches} mismatches, ${errorCount} unexpected errors, ${leftovers.length} peers with leftovers)`);
  const summary: SoakSummary = {
    pass,
    seed: config.seed,
    seconds: Number(seconds.toFixed(1)),
    processes: config.processes,
    operations: ops,
    errors,
    mismatches,
    leftovers: leftovers.length,
    peakWaiters,
    peakStreams,
    verifiedBytes: verified,
    memory: members.map((m) => ({
      pid: m.pid,
      startRss: m.start?.rss ?? 0,
      peakRss: m.peakRss,
      endRss: m.end?.rss ?? 0,
      startHeap: m.start?.heapUsed ?? 0,
      endHeap: m.end?.heapUsed ?? 0,
      loopDelayMaxMs: Math.round(m.loopDelayMaxMs),
    })),
    failures,
  };
  console.log(`soak-result ${JSON.stringify(summary)}`);
  return pass;
}

try {
  const config = configFrom(process.argv.slice(2));
  if (config === 'help') {
    console.log(USAGE);
  } else {
    process.exitCode = (await soak(config)) ? 0 : 1;
  }
} catch (error) {
  if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`soak: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}

/**
 * The headline experiment: ProxyStore's task pipelining (TPDS'24). A client process owns the
 * futures and N warm task workers run a chain of tasks handing each other `size` bytes through
 * them, pipelined (all submitted at once, each blocking on its input only after its independent
 * work) and sequential (each submitted once the previous one finished). Run on the mesh, on
 * FileConnector over tmpfs and on Redis in one invocation; extra, labelled rows in full runs.
 * @module
 */
import type { WorkflowPlan } from '../config.js';
import type { RoleProcess } from '../lib/child.js';
import { spread } from '../lib/stats.js';
import { log } from '../scenarios/context.js';
import { startDaemon, type Daemon } from './daemon.js';
import { withUsers, startUser } from './spawn.js';
import type { PipelineRow } from './types.js';

interface Marks {
  readonly startAt: number;
  readonly gotAt?: number;
  readonly blockedMs?: number;
  readonly setStartAt: number;
  readonly setMs: number;
  readonly endAt: number;
}
interface Round {
  readonly makespanMs: number;
  readonly startAt: number;
  readonly marks: readonly Marks[];
}

/** A connector configuration: what the client makes, and the Node flags of the client and its workers. */
interface Kind {
  readonly connector: string;
  readonly label: string;
  readonly extra: boolean;
  readonly execArgv: string[];
}

const KINDS: readonly Kind[] = [
  { connector: 'mesh', label: 'proxymesh: `new MeshConnector()` (embedded peer on its worker thread)', extra: false, execArgv: [] },
  { connector: 'file', label: '`FileConnector` on /dev/shm (tmpfs)', extra: false, execArgv: [] },
  { connector: 'redis', label: '`RedisConnector` (redis-server on loopback)', extra: false, execArgv: [] },
];
const EXTRAS: readonly Kind[] = [
  { connector: 'mesh-main', label: "extra: proxymesh, `MeshConnector({ thread: 'main' })` owner", extra: true, execArgv: [] },
  { connector: 'mesh-stgc', label: 'extra: proxymesh default, every process with `--single-threaded-gc`', extra: true, execArgv: ['--single-threaded-gc'] },
  { connector: 'mesh-daemon', label: 'extra: proxymesh, the futures owned by a `proxymesh peer` daemon', extra: true, execArgv: [] },
];

export function idealMs(p: WorkflowPlan['pipeline']): number {
  return p.taskMs + (p.tasks - 1) * (1 - p.independent) * p.taskMs;
}

async function runKind(p: WorkflowPlan['pipeline'], kind: Kind, client: RoleProcess): Promise<PipelineRow> {
  const ideal = idealMs(p);
  const args = { T: p.taskMs, F: p.independent, size: p.size };
  const round = (mode: 'pipelined' | 'sequential'): Promise<Round> => {
    // Bounded in the client (it evicts the round's objects after) and here.
    const timeoutMs = 3 * p.tasks * p.taskMs + 30_000;
    return client.call<Round>('round', { mode, ...args, timeoutMs }, timeoutMs + 10_000);
  };
  // Round 1 warms the workers (each revives its first store and connector) and is shown apart.
  const fresh = await round('pipelined');
  log(`  pipelining ${kind.connector}: round 1 (fresh workers) ${fresh.makespanMs.toFixed(0)} ms`);
  const pipelined: Round[] = [];
  const sequential: Round[] = [];
  // Alternated, so background load lands on both modes alike.
  for (let r = 0; r < p.rounds; r++) {
    pipelined.push(await round('pipelined'));
    sequential.push(await round('sequential'));
    log(`  pipelining ${kind.connector}: pipelined ${pipelined.at(-1)?.makespanMs.toFixed(0)} ms, sequential ${sequential.at(-1)?.makespanMs.toFixed(0)} ms (ideal ${ideal.toFixed(0)} / ${p.tasks * p.taskMs})`);
  }
  const setMs: number[] = [];
  const hopMs: number[] = [];
  for (const { marks } of pipelined) {
    for (let i = 1; i < marks.length; i++) {
      const [prev, next] = [marks[i - 1], marks[i]];
      if (!prev || next?.gotAt === undefined) continue;
      setMs.push(prev.setMs);
      hopMs.push(next.gotAt - prev.setStartAt);
    }
  }
  const makespans = (rs: Round[]): number[] => rs.map((r) => r.makespanMs);
  return {
    connector: kind.connector,
    label: kind.label,
    extra: kind.extra,
    tasks: p.tasks,
    taskMs: p.taskMs,
    independent: p.independent,
    bytes: p.size,
    idealMs: ideal,
    freshMs: fresh.makespanMs,
    pipelinedMs: makespans(pipelined),
    sequentialMs: makespans(sequential),
    pipelined: spread(makespans(pipelined)),
    sequential: spread(makespans(sequential)),
    setMs: spread(setMs),
    hopMs: spread(hopMs),
  };
}

/** Every connector's rows; a connector that fails is recorded in `errors` and the others go on. */
export async function runPipelining(p: WorkflowPlan['pipeline'], redisPort: number, errors: string[]): Promise<PipelineRow[]> {
  const rows: PipelineRow[] = [];
  for (const kind of p.extras ? [...KINDS, ...EXTRAS] : KINDS) {
    let daemon: Daemon | undefined;
    try {
      if (kind.connector === 'mesh-daemon') daemon = await startDaemon();
      const start = startUser('pipeline-client', [kind.connector, String(p.tasks), String(redisPort), daemon?.address ?? ''], kind.execArgv);
      rows.push(await withUsers([start], ([client]) => runKind(p, kind, client as RoleProcess)));
    } catch (error) {
      errors.push(`workflow pipelining ${kind.connector}: ${String(error)}`);
      log(`  FAILED pipelining ${kind.connector}: ${String(error)}`);
    } finally {
      await daemon?.stop();
    }
  }
  return rows;
}

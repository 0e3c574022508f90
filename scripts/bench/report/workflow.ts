/**
 * The "Workflow (what users run)" section of BENCHMARKS.md: the issue-13 targets and the workflow
 * group's tables, the pipelining experiment beside the paper's figures.
 * @module
 */
import { sizeLabel as binaryLabel } from '../config.js';
import type { Spread } from '../lib/stats.js';
import type { WorkflowResults } from '../workflow/types.js';
import { mbpsSpread, mib, ratio, table } from './format.js';
import { evaluateWorkflowTargets } from './workflow-targets.js';

const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ms` : '–');
const msSpread = (x: Spread): string => `${ms(x.median)} (${ms(x.min)}–${ms(x.max)})`;
const s = (v: number): string => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)} s` : '–');
const sSpread = (x: Spread): string => `${s(x.median)} (${s(x.min)}–${s(x.max)})`;
/** Sizes as the issue gives them: 10 MB (decimal) for the hops, 64 MiB and 1 GiB for the large rows. */
const sizeLabel = (bytes: number): string => (bytes >= 1e6 && bytes % 1e6 === 0 ? `${bytes / 1e6} MB` : binaryLabel(bytes));
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');

function targets(w: WorkflowResults): string {
  return table(
    ['target (issue 13)', 'measured', 'met?'],
    evaluateWorkflowTargets(w).map((t) => [t.target, t.measured, t.met === undefined ? 'not measured' : t.met ? '✅ met' : '❌ unmet']),
  );
}

function pipeliningTable(w: WorkflowResults): string {
  return table(
    ['connector', 'round 1, fresh workers (pipelined)', 'pipelined, warm: median (min–max)', '% of ideal', 'per hop over the ideal', 'sequential, warm: median (min–max)', 'sequential ÷ N×T', 'setResult per hop, median', 'set start → consumer has it, median (min–max)'],
    w.pipelining.map((p) => [
      p.extra ? p.label : `**${p.label}**`,
      s(p.freshMs),
      sSpread(p.pipelined),
      pct(p.idealMs / p.pipelined.median),
      ms((p.pipelined.median - p.idealMs) / (p.tasks - 1)),
      sSpread(p.sequential),
      ratio(p.sequential.median / (p.tasks * p.taskMs)),
      ms(p.setMs.median),
      msSpread(p.hopMs),
    ]),
  );
}

/** The paper's figures (ProxyStore, TPDS'24, task pipelining) beside this run's. */
function paperTable(w: WorkflowResults): string {
  const rows = [['ProxyStore paper (TPDS\'24)', '9.45 s', '8.31 s', '6.69 s', '6.4 s (as the paper states it)']];
  for (const p of w.pipelining.filter((x) => !x.extra)) rows.push([p.connector, '–', s(p.sequential.median), s(p.pipelined.median), s(p.idealMs)]);
  return table(['', 'no proxies', 'proxies (sequential)', 'futures (pipelined)', 'theoretical'], rows);
}

function hopTable(w: WorkflowResults): string {
  const rows = w.hops.map((h) => {
    const bare = w.bareHops.find((b) => b.size === h.size);
    return [
      sizeLabel(h.size),
      h.owner === 'third' ? 'a third process' : 'the producer',
      `${msSpread(h.fresh.hopMs)} [${h.fresh.samples}]`,
      ms(h.fresh.setMs.median),
      `${msSpread(h.warm.hopMs)} [${h.warm.samples}]`,
      ms(h.warm.setMs.median),
      bare ? `${ratio(h.fresh.hopMs.median / bare.fresh.median)} / ${ratio(h.warm.hopMs.median / bare.warm.median)}` : '–',
    ];
  });
  return table(['value', 'future owned by', 'fresh: set start → consumer has it [samples]', 'fresh: setResult', 'warm: set start → consumer has it [samples]', 'warm: setResult', '÷ bare transfer, fresh / warm'], rows);
}

function bareTable(w: WorkflowResults): string {
  return table(
    ['value', 'baseline', 'fresh: first call of a new channel', 'warm: later calls'],
    w.bareHops.map((b) => [sizeLabel(b.size), b.method, msSpread(b.fresh), msSpread(b.warm)]),
  );
}

function roundTripTable(w: WorkflowResults): string {
  return table(
    ['', 'pause before each', 'samples', 'p50', 'p99'],
    w.roundTrip.map((r) => [r.system, ms(r.pauseMs), String(r.samples), ms(r.p50Ms), ms(r.p99Ms)]),
  );
}

function largeTable(w: WorkflowResults): string {
  const rows: string[][] = [];
  for (const op of ['get', 'put'] as const) {
    for (const size of [...new Set(w.large.map((l) => l.size))]) {
      const mine = w.large.find((l) => l.op === op && l.size === size && l.system === 'proxymesh');
      const bare = w.large.find((l) => l.op === op && l.size === size && l.system === 'grpc-stream');
      if (!mine || !bare) continue;
      rows.push([op, sizeLabel(size), ms(mine.freshMs), mbpsSpread(mine.throughput), ms(bare.freshMs), mbpsSpread(bare.throughput), ratio(mine.throughput.median / bare.throughput.median), String(mine.reps)]);
    }
  }
  return table(['op', 'size', 'proxymesh: first (fresh processes)', 'proxymesh MB/s, later', 'bare stream: first', 'bare stream MB/s, later', 'ratio', 'later reps'], rows);
}

function peakTable(w: WorkflowResults): string {
  return table(
    ['consumer', 'object', 'peak RSS before', 'peak RSS after its first get', 'peak ÷ object'],
    w.peak.map((p) => [p.system === 'proxymesh' ? '`new MeshConnector()`, `connector.get`' : 'bare grpc-js stream', sizeLabel(p.size), mib(p.beforeBytes), mib(p.peakBytes), ratio(p.peakBytes / p.size)]),
  );
}

export function workflowSection(w: WorkflowResults | undefined): string {
  if (!w) return '## Workflow (what users run)\n\nNot measured in this run.\n';
  const p = w.pipelining[0];
  const shape = p ? `N = ${p.tasks} tasks of T = ${s(p.taskMs)}, F = ${p.independent} of each independent of its input, ${p.bytes.toLocaleString('en')} bytes (a Buffer) handed from each task to the next; ideal T + (N−1)(1−F)T = ${s(p.idealMs)}, sequential ideal N×T = ${s(p.tasks * p.taskMs)}` : '';
  return `## Workflow (what users run)

The headline rows (issue 13), measured in ${w.seconds.toFixed(0)} s. Every process standing for a user is plain \`node\` with **Node's default flags** running a \`.mjs\` file (\`scripts/bench/workflow/procs/\`) that imports the package **by its name**, as the README shows (\`import { Store, MeshConnector, reviver } from 'proxymesh'\`, which resolves to dist/, rebuilt first when older than src/); \`new MeshConnector()\` with its defaults (embedded peer on its worker thread); futures from \`store.future()\`; proxies and futures sent as JSON text and revived with \`reviver\`; a proxy's first synchronous use blocks. No forced GC anywhere. The baselines are the same kind of processes, started the same way in the same run (bare grpc-js with proxymesh's channel and server options, 1 MiB pieces, the receiver assembling the object). Rows marked "extra" run another configuration and are not judged.

${targets(w)}

### Task pipelining (ProxyStore TPDS'24)

${shape}. A client process owns the futures and has ${p?.tasks ?? 'N'} task worker processes, started and having imported the package before timing. Pipelined: the client makes N futures and submits all N tasks at once; task i gets \`futures[i-1].proxy()\` as input and \`futures[i]\` as output, sleeps F·T, uses its input synchronously (blocks until set; checks it), sleeps (1−F)·T and calls \`setResult\`; the makespan ends when the client has the last future's result. Sequential: task i is submitted once task i−1 has finished, uses its (already set) input at once, then sleeps T. Round 1 (pipelined, the workers' first task) warms them and is shown apart; the headline is the median of the warm rounds, pipelined and sequential alternating. Per hop: the producer's \`setResult\` duration, and from its start to the consumer having the value (\`performance.timeOrigin + now()\` across processes).

${pipeliningTable(w)}

Beside the paper's figures (the paper's "theoretical" is 6.4 s; T + (N−1)(1−F)T gives the ideal used here):

${paperTable(w)}

### Future hop

One future, one producer process setting it and one consumer process blocked at its first use of the future's proxy; the future owned by a third process (its \`store.future()\`) or by the producer itself. Time from the start of \`setResult\` to the consumer having the value (the consumer blocked before the set began), and \`setResult\`'s own duration. Fresh: the first set of freshly started processes (fresh channels); warm: later sets of the same processes, after untimed ones (5 in a full run) that let a fresh process's code warm up, as the baselines'. Medians (min–max).

${hopTable(w)}

Baselines, between two processes started the same way:

${bareTable(w)}

### Small future round trip

A sets k1; B, awaiting k1 (\`future.result()\`), sets k2; A, awaiting k2, has it; A owns both futures. Every round and every echo comes after the same pause, so idle wake-ups cost both alike; the two alternate in blocks.

${roundTripTable(w)}

### Large get and put, embedded owner in another process

The owner process put the object into its own \`new MeshConnector()\`; a consumer process gets it with its own default \`MeshConnector\` (\`connector.get\`); a putter process attached to the owner's peer (\`new MeshConnector({ peer })\`) puts into it (evicted after each put, untimed). Fresh processes per size; their first transfer is shown apart, untimed ones follow until 256 MiB have moved (a full run; fresh grpc-js gets faster over its first transfers), then the timed ones; the systems alternate.

${largeTable(w)}

${peakTable(w)}
`;
}

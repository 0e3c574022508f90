/**
 * The targets of issue 13, evaluated on the workflow group's rows: ratios within one run.
 * @module
 */
import { GiB, MiB, sizeLabel } from '../config.js';
import type { WorkflowResults } from '../workflow/types.js';
import { ROUND_TRIP, SAME_SHAPE, UNARY_ECHO } from '../workflow/types.js';
import { mib, ratio } from './format.js';
import type { TargetCheck } from './targets.js';

const check = (target: string, value: number, ok: (v: number) => boolean, measured: string): TargetCheck => ({
  target,
  measured: Number.isFinite(value) ? measured : 'not measured',
  met: Number.isFinite(value) ? ok(value) : undefined,
});
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const ms = (v: number): string => `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ms`;

function pipelining(w: WorkflowResults): TargetCheck[] {
  const judged = w.pipelining.filter((p) => !p.extra);
  const mesh = judged.find((p) => p.connector === 'mesh');
  const out: TargetCheck[] = [];
  const share = mesh ? mesh.idealMs / mesh.pipelined.median : Number.NaN;
  out.push(check('pipelining, mesh: ≥ 95% of the ideal', share, (v) => v >= 0.95, `${(share * 100).toFixed(1)}% (${s(mesh?.pipelined.median ?? Number.NaN)} against ${s(mesh?.idealMs ?? Number.NaN)})`));
  const others = judged.filter((p) => p.connector !== 'mesh');
  const fastestOther = Math.min(...others.map((p) => p.pipelined.median));
  const lead = mesh && others.length > 0 ? fastestOther / mesh.pipelined.median : Number.NaN;
  out.push(check('pipelining: mesh the fastest of mesh, File (tmpfs), Redis', lead, (v) => v >= 1, `${others.map((p) => `${p.connector} ${s(p.pipelined.median)}`).join(', ')}; mesh ${s(mesh?.pipelined.median ?? Number.NaN)} (${ratio(lead)} the fastest other's speed)`));
  const seq = mesh ? mesh.sequential.median / (mesh.tasks * mesh.taskMs) : Number.NaN;
  out.push(check('pipelining, mesh, sequential: within 5% of N×T', seq, (v) => v <= 1.05, `${s(mesh?.sequential.median ?? Number.NaN)} = ${ratio(seq)} N×T`));
  return out;
}

function hops(w: WorkflowResults): TargetCheck[] {
  // The 10 MB rows: the largest hop size of the run (1 MB in a quick run).
  const size = Math.max(...w.hops.map((h) => h.size));
  const bare = w.bareHops.find((b) => b.size === size);
  const third = w.hops.find((h) => h.size === size && h.owner === 'third');
  const producer = w.hops.find((h) => h.size === size && h.owner === 'producer');
  const label = Number.isFinite(size) ? `${size / 1e6} MB` : '10 MB';
  const vs = (mine: number | undefined, theirs: number | undefined): number => (mine !== undefined && theirs !== undefined ? mine / theirs : Number.NaN);
  const warmThird = vs(third?.warm.hopMs.median, bare?.warm.median);
  const warmProducer = vs(producer?.warm.hopMs.median, bare?.warm.median);
  const fresh = vs(third?.fresh.hopMs.median, bare?.fresh.median);
  return [
    check(`${label} future hop, warm, owner in a third process: ≤ 2.5× one bare grpc-js transfer`, warmThird, (v) => v <= 2.5, `${ratio(warmThird)} (${ms(third?.warm.hopMs.median ?? Number.NaN)} vs ${ms(bare?.warm.median ?? Number.NaN)})`),
    check(`${label} future hop, warm, owner in the producer: ≤ 1.5×`, warmProducer, (v) => v <= 1.5, `${ratio(warmProducer)} (${ms(producer?.warm.hopMs.median ?? Number.NaN)})`),
    check(`${label} future hop, first set on a fresh channel (owner in a third process): ≤ 1.5× a bare first call`, fresh, (v) => v <= 1.5, `${ratio(fresh)} (${ms(third?.fresh.hopMs.median ?? Number.NaN)} vs ${ms(bare?.fresh.median ?? Number.NaN)})`),
  ];
}

function large(w: WorkflowResults): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const size of [...new Set(w.large.map((l) => l.size))]) {
    const mine = w.large.find((l) => l.size === size && l.op === 'get' && l.system === 'proxymesh');
    const theirs = w.large.find((l) => l.size === size && l.op === 'get' && l.system === 'grpc-stream');
    const v = mine && theirs ? mine.throughput.median / theirs.throughput.median : Number.NaN;
    out.push(check(`get ${sizeLabel(size)} from an embedded owner in another process: ≥ 0.9× the bare stream`, v, (x) => x >= 0.9, ratio(v)));
  }
  const peak = w.peak.find((p) => p.system === 'proxymesh' && p.size === Math.max(...w.peak.map((x) => x.size)));
  if (peak) {
    const limit = peak.size >= GiB ? 1.5 * GiB : 1.5 * peak.size + 256 * MiB;
    out.push(check(`consumer peak memory getting ${sizeLabel(peak.size)}: ≤ ${mib(limit)}`, peak.peakBytes, (v) => v <= limit, mib(peak.peakBytes)));
  }
  return out;
}

export function evaluateWorkflowTargets(w: WorkflowResults): TargetCheck[] {
  const trip = w.roundTrip.find((r) => r.system === ROUND_TRIP);
  const echo = w.roundTrip.find((r) => r.system === UNARY_ECHO);
  const v = trip && echo ? trip.p50Ms / echo.p50Ms : Number.NaN;
  // What the round trip's two calls cost without the library, against the same echo.
  const shape = w.roundTrip.find((r) => r.system === SAME_SHAPE);
  const shapeNote = shape && echo ? `; its shape in bare grpc-js: ${ratio(shape.p50Ms / echo.p50Ms)}` : '';
  return [
    ...pipelining(w),
    ...large(w),
    check('small future round trip p50: ≤ 1.3× a bare grpc-js unary echo (same pauses)', v, (x) => x <= 1.3, `${ratio(v)} (${ms(trip?.p50Ms ?? Number.NaN)} vs ${ms(echo?.p50Ms ?? Number.NaN)}${shapeNote})`),
    ...hops(w),
  ];
}

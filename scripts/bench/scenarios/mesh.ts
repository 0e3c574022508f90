/**
 * The all-to-all mesh: N peer processes (embedded MeshConnectors) each put one object, then all
 * get every other node's object at once, for a few rounds. Throughput is all bytes moved over
 * the wall time from the first node's start to the last node's end.
 * @module
 */
import { sizeLabel, type BenchConfig } from '../config.js';
import { startRole, type RoleProcess } from '../lib/child.js';
import type { MeshRow } from '../results.js';
import { log, rate } from './context.js';

interface NodeRun {
  readonly bytes: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly gets: number;
  readonly p50Us: number;
  readonly failed: number;
  readonly firstFailure: string | null;
}

const START_AT_ONCE = 4;

export async function runMesh(config: BenchConfig): Promise<MeshRow> {
  const { nodes: n, size, rounds, maxMs } = config.mesh;
  const nodes: RoleProcess[] = [];
  try {
    while (nodes.length < n) {
      const batch = Math.min(START_AT_ONCE, n - nodes.length);
      nodes.push(...(await Promise.all(Array.from({ length: batch }, () => startRole('mesh-node')))));
    }
    const keys = await Promise.all(nodes.map((node) => node.call('put', { size })));
    const runs = await Promise.all(nodes.map((node) => node.call<NodeRun>('run', { keys, rounds, maxMs })));
    const bytes = runs.reduce((s, r) => s + r.bytes, 0);
    const seconds = (Math.max(...runs.map((r) => r.endUs)) - Math.min(...runs.map((r) => r.startUs))) / 1e6;
    const p50s = runs.map((r) => r.p50Us).sort((a, b) => a - b);
    const failed = runs.reduce((s, r) => s + r.failed, 0);
    const firstFailure = runs.find((r) => r.firstFailure !== null)?.firstFailure ?? undefined;
    const row: MeshRow = { nodes: n, size, bytes, seconds, throughput: bytes / seconds, gets: runs.reduce((s, r) => s + r.gets, 0), p50Us: p50s[p50s.length >> 1] ?? Number.NaN, failed, ...(firstFailure ? { firstFailure } : {}) };
    log(`  mesh ${n} peers × ${sizeLabel(size)}: ${rate(row.throughput)} aggregate (${row.gets} gets in ${seconds.toFixed(2)} s, ${failed} failed)`);
    await Promise.all(nodes.map((node) => node.call('close')));
    return row;
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

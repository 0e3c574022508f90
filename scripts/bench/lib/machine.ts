/**
 * A description of the machine and the versions a run measured.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import type { Machine } from '../results.js';
import { nodeFlags } from './flags.js';

const root = new URL('../../../', import.meta.url);

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, root), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The commit measured and a fingerprint of its code: the trees of src/ and gen/, or `dirty` when
 * they differ from the commit (others change src/ meanwhile). Read-only git.
 */
export function commit(): { head: string; code: string } {
  try {
    const cwd = new URL('.', root).pathname;
    const git = (...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    if (git('status', '--porcelain', '--', 'src', 'gen') !== '') return { head: `${head} + uncommitted src/ changes`, code: 'dirty' };
    return { head, code: git('rev-parse', 'HEAD:src', 'HEAD:gen') };
  } catch {
    return { head: 'unknown', code: 'unknown' };
  }
}

/**
 * The commit a run names: the one at its end when the code is what it was at the start (a commit
 * of docs meanwhile, or one amended), else both, marked.
 */
function measured(atStart: { head: string; code: string }): string {
  const atEnd = commit();
  if (atEnd.code === atStart.code && atStart.code !== 'dirty') return atEnd.head;
  return atStart.head === atEnd.head ? atStart.head : `${atStart.head} (src/ changed during the run: now ${atEnd.head})`;
}

/** This machine, with `redis` the version redis-server reported. */
export function describeMachine(redis: string, loadAtStart: number, commitAtStart: { head: string; code: string }): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    nodeFlags: nodeFlags(),
    grpcJs: version('@grpc/grpc-js'),
    niceGrpc: version('nice-grpc'),
    ioredis: version('ioredis'),
    redis,
    os: `${type()} ${release()}`,
    load: [loadAtStart, loadavg()[0] ?? 0],
    commit: measured(commitAtStart),
  };
}

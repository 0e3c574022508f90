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

/** The commit measured (read-only git), marked when src/ differs from it: others change src/ meanwhile. */
export function commit(): string {
  try {
    const cwd = new URL('.', root).pathname;
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'gen'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted src/ changes` : head;
  } catch {
    return 'unknown';
  }
}

/** This machine, with `redis` the version redis-server reported. */
export function describeMachine(redis: string, loadAtStart: number, commitAtStart: string): Machine {
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
    commit: commitAtStart === commit() ? commitAtStart : `${commitAtStart} (src/ changed during the run: now ${commit()})`,
  };
}

/**
 * StoreExecutor over BullMQ across hosts: a client and two BullMQ workers, each a process in
 * its own network namespace with its own address (test/helpers/netns.ts), each with a mesh
 * peer listening there. The client submits tasks whose inputs and results are 10 MB. Redis is
 * the test redis-server, reached through a Unix-socket relay that counts every byte sent to it.
 *
 * What it proves: the results are right and come back owned; every input was evicted from the
 * client's peer by the time its task settled; the queue carried only references (under 2 KiB
 * sent to Redis per task) while the data crossed the lab's network between the hosts' peers
 * (each host's interface counters show the 10 MB objects going both ways).
 *
 * Needs root and iproute2: without them the test fails saying so (never skips).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetLab, removeStaleLabs } from '../helpers/netns.js';
import { redisUrl } from '../setup/redis-url.js';
import { startRedisRelay, type RedisRelay } from './redis-relay.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';

const PORT = 7100;
const SIZE = 10 * 1024 * 1024;
const TASKS = 8;
const MAX_REDIS_BYTES_PER_TASK = 2048;

interface RunReport {
  correct: boolean[];
  owned: boolean[];
  elapsedMs: number;
  objectsAtSettle: { objects: number; unsettled: number }[];
  objectsAfter: number;
}

/** Bytes the host's eth0 received and sent so far. */
async function traffic(lab: NetLab, host: string): Promise<{ rx: number; tx: number }> {
  const { stdout } = await promisify(execFile)('ip', ['-n', lab.host(host).netns, '-j', '-s', 'link', 'show', 'eth0']);
  const [link] = JSON.parse(stdout) as { stats64: { rx: { bytes: number }; tx: { bytes: number } } }[];
  return { rx: link!.stats64.rx.bytes, tx: link!.stats64.tx.bytes };
}

describe('StoreExecutor over BullMQ across hosts in network namespaces', () => {
  let lab: NetLab | undefined;
  let relay: RedisRelay | undefined;
  let setupError: unknown;
  const nodes = new Map<string, ChildNode>();

  beforeAll(async () => {
    try {
      lab = await NetLab.create(['client', 'w1', 'w2'], '10.214.0');
      relay = await startRedisRelay(redisUrl());
      // BullMQ's calls for one job name some 50 Redis keys "bull:<queue>:...", so each character
      // of the queue's name costs about 50 bytes per task: a short name, as real queues have.
      const queue = 'hosts';
      const connection = { path: relay.path };
      const name = 'hosts'; // the store's name, which each message carries once
      // Every object streams over the lab's network: the same-host file handoff is off, as it would be between real hosts.
      const mesh = (host: string) => ({ listen: `${lab!.host(host).address}:${PORT}`, sharedMemory: false });
      for (const host of ['w1', 'w2']) nodes.set(host, spawnNode('executor-bullmq-worker', [JSON.stringify({ queue, connection, store: { name, mesh: mesh(host) } })], lab.command(host, [])));
      nodes.set('client', spawnNode('executor-client', [JSON.stringify({ queue, connection, store: { name, mesh: mesh('client') }, mode: 'proxy' })], lab.command('client', [])));
      await Promise.all([...nodes.values()].map((n) => n.ready));
    } catch (error) {
      // Reported by the test (a failing beforeAll would mark it skipped instead).
      setupError = error;
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([...nodes.values()].map((n) => n.kill('SIGKILL')));
    await relay?.close();
    await lab?.destroy();
    if (lab) await removeStaleLabs();
  }, 30_000);

  function ready(): { lab: NetLab; relay: RedisRelay; client: ChildNode; w1: ChildNode; w2: ChildNode } {
    if (setupError !== undefined || !lab || !relay) {
      throw new Error(`The multi-host executor lab could not be built, so this test cannot run: ${setupError instanceof Error ? setupError.message : String(setupError)}`);
    }
    return { lab, relay, client: nodes.get('client')!, w1: nodes.get('w1')!, w2: nodes.get('w2')! };
  }

  // Proves: 10 MB inputs and results travel peer to peer between hosts while BullMQ's queue carries under 2 KiB per task; results are right and owned; each input is gone from the client's peer when its task settles.
  it('runs 10 MB tasks on workers of other hosts, with only references through Redis', async () => {
    const { lab, relay, client, w1, w2 } = ready();
    // One small task first: BullMQ's first job on fresh connections loads its scripts into Redis, which is not per-task traffic.
    const warm = relay.toRedis();
    expect((await client.call<RunReport>('run', { count: 2, size: 8192, seed: 'warm-up' })).correct).toEqual([true, true]);
    const warmUpBytes = relay.toRedis() - warm;

    const commandsBefore = relay.byCommand();
    const before = { redis: relay.toRedis(), client: await traffic(lab, 'client'), w1: await traffic(lab, 'w1'), w2: await traffic(lab, 'w2') };
    const report = await client.call<RunReport>('run', { count: TASKS, size: SIZE, seed: 'multi-host', check: true });
    const redisBytes = relay.toRedis() - before.redis;
    const after = { client: await traffic(lab, 'client'), w1: await traffic(lab, 'w1'), w2: await traffic(lab, 'w2') };

    expect(report.correct).toEqual(Array(TASKS).fill(true));
    expect(report.owned).toEqual(Array(TASKS).fill(true));
    // When a task settles its input is already evicted: the client's peer holds at most the inputs of tasks still running.
    expect(report.objectsAtSettle).toHaveLength(TASKS);
    for (const { objects, unsettled } of report.objectsAtSettle) expect(objects).toBeLessThanOrEqual(unsettled);
    expect(report.objectsAfter).toBe(0);
    // Released results are evicted from the workers' peers too.
    for (const worker of [w1, w2]) expect((await worker.call<{ objects: number }>('stats')).objects).toBe(0);

    const perTask = redisBytes / TASKS;
    const breakdown = [...relay.byCommand()].map(([command, bytes]) => [command, bytes - (commandsBefore.get(command) ?? 0)] as const).filter(([, bytes]) => bytes > 0);
    console.info(`Redis bytes per task by command: ${breakdown.map(([command, bytes]) => `${command} ${(bytes / TASKS).toFixed(0)}`).join(', ')}`);
    const sent = { client: after.client.tx - before.client.tx, received: after.client.rx - before.client.rx };
    const workers = { received: after.w1.rx - before.w1.rx + after.w2.rx - before.w2.rx, sent: after.w1.tx - before.w1.tx + after.w2.tx - before.w2.tx };
    console.info(
      `executor across hosts: ${TASKS} tasks of ${SIZE / 2 ** 20} MiB in ${report.elapsedMs.toFixed(0)} ms; Redis received ${redisBytes} B (${perTask.toFixed(0)} B per task; warm-up ${warmUpBytes} B); ` +
        `client sent ${(sent.client / 2 ** 20).toFixed(1)} MiB and received ${(sent.received / 2 ** 20).toFixed(1)} MiB over the lab network`,
    );
    expect(perTask).toBeLessThan(MAX_REDIS_BYTES_PER_TASK);
    // The data went peer to peer: every input left the client and every result reached it over the lab's network, not through Redis.
    expect(sent.client).toBeGreaterThanOrEqual(TASKS * SIZE);
    expect(sent.received).toBeGreaterThanOrEqual(TASKS * SIZE);
    expect(workers.received).toBeGreaterThanOrEqual(TASKS * SIZE);
    expect(workers.sent).toBeGreaterThanOrEqual(TASKS * SIZE);
  }, 180_000);
});

/**
 * StoreExecutor over BullMQ on one host: two worker processes take the jobs from a queue in the
 * test redis-server and rebuild the FileConnector store from the config each job carries.
 */
import { describe, expect, it } from 'vitest';
import { bullmqEngine } from '../../src/executor/bullmq.js';
import { TaskError } from '../../src/executor/errors.js';
import { redisUrl } from '../setup/redis-url.js';
import { executorSuite } from './executor-suite.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';

const queue = `executor-suite-${process.pid}`;
const workers: ChildNode[] = [];
const connection = (): Record<string, unknown> => {
  const url = new URL(redisUrl());
  return { host: url.hostname, port: Number(url.port) };
};

executorSuite('BullMQ', {
  async before() {
    for (let i = 0; i < 2; i += 1) workers.push(spawnNode('executor-bullmq-worker', [JSON.stringify({ queue, connection: connection() })]));
    await Promise.all(workers.map((w) => w.ready));
  },
  engine: () => bullmqEngine({ queue, connection: connection() }),
  after: async () => void (await Promise.all(workers.map((w) => w.kill()))),
});

describe('BullMQ engine', () => {
  // A Redis that cannot be reached fails engine creation instead of leaving tasks to hang.
  it('refuses to start without Redis', async () => {
    const error = await bullmqEngine({ queue, connection: { host: '127.0.0.1', port: 1, retryStrategy: () => null, maxRetriesPerRequest: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TaskError);
  });
});

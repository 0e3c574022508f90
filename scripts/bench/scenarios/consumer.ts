/**
 * Consumer peak memory: a fresh process gets one large object (1 GiB in a full run) and reports
 * its own peak RSS. The object is staged on the server side by the system's client process.
 * @module
 */
import { sizeLabel, type BenchConfig } from '../config.js';
import { startRole } from '../lib/child.js';
import type { ConsumerRow } from '../results.js';
import { log, type Context } from './context.js';

const SYSTEMS = ['proxymesh', 'grpc-stream', 'redis'] as const;

export async function runConsumer(config: BenchConfig, ctx: Context): Promise<ConsumerRow[]> {
  const size = config.consumerBytes;
  const rows: ConsumerRow[] = [];
  for (const system of SYSTEMS) {
    const client = ctx.clients[system];
    const staged = await client.call('stage', { size });
    const consumer = await startRole('consumer', [system, ctx.targets[system], String(size), JSON.stringify(staged)]);
    try {
      const r = await consumer.call<Omit<ConsumerRow, 'system' | 'size'>>('get');
      rows.push({ system, size, ...r });
      log(`  consumer ${system} ${sizeLabel(size)}: peak RSS ${(r.peakBytes / 2 ** 20).toFixed(0)} MiB (${(r.beforeBytes / 2 ** 20).toFixed(0)} MiB before)`);
    } finally {
      await consumer.stop();
      await client.call('release');
    }
  }
  return rows;
}

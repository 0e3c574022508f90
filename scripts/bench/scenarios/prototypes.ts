/**
 * Tuning prototypes (Phase 2 of issue 5), measured in the same run as everything else:
 * - large gets and puts through fresh proxymesh peers and clients with the default 1 MiB pieces
 *   and with 4 MiB pieces (`chunkBytes`, a public option), repetitions interleaved;
 * - small gets, decomposed: bare grpc-js unary, bare grpc-js stream, proxymesh's own wire
 *   messages over bare grpc-js (`grpc-pmwire`), and proxymesh;
 * - client memory retained per finished get (fresh client processes), and what it does to a
 *   large put made by the same client before and after.
 * @module
 */
import type { BenchConfig } from '../config.js';
import { startRole, type RoleProcess } from '../lib/child.js';
import type { MemoryNow } from '../lib/memory.js';
import type { LoopResult, RepResult } from '../lib/loop.js';
import { spread } from '../lib/stats.js';
import type { LargePrototype, Prototypes, RetainedPrototype, SmallPrototype } from '../results.js';
import { log, rate, us, type Context } from './context.js';
import { interleaved } from './transfers.js';

// The window and zero-copy prototypes measured here before are part of src/ now (server-window.ts, wire-codec.ts).
const CONFIGS: readonly { readonly name: string; readonly flags: readonly string[] }[] = [
  { name: '1 MiB pieces (default)', flags: [] },
  { name: '4 MiB pieces', flags: [`--chunk=${4 * 1024 * 1024}`] },
];

async function large(config: BenchConfig, errors: string[]): Promise<LargePrototype[]> {
  const started: RoleProcess[] = [];
  try {
    const clients = await Promise.all(
      CONFIGS.map(async (c) => {
        const peer = await startRole('mesh-peer', [...c.flags]);
        started.push(peer);
        const client = await startRole('client', ['proxymesh', (peer.info as { address: string }).address, ...c.flags]);
        started.push(client);
        return [c.name, client] as const;
      }),
    );
    const rows: LargePrototype[] = [];
    for (const size of config.prototypes.sizes) {
      for (const op of ['get', 'put'] as const) {
        try {
          for (const r of await interleaved(clients, op, size, config.loop(size, 1))) {
            rows.push({ config: r.system, op, size, throughput: r.throughput, p50Us: r.p50Us });
          }
        } catch (error) {
          errors.push(`prototype ${op} ${size >> 20} MiB: ${String(error)}`);
          log(`  FAILED prototype ${op} ${size >> 20} MiB: ${String(error)}`);
        }
      }
      await Promise.all(clients.map(([, client]) => client.call('release')));
    }
    return rows;
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}

async function small(config: BenchConfig, ctx: Context): Promise<SmallPrototype[]> {
  const pmwire = await startRole('client', ['grpc-pmwire', ctx.targets['grpc-unary']]);
  try {
    const clients: [string, RoleProcess][] = [
      ['grpc-unary', ctx.clients['grpc-unary']],
      ['grpc-stream', ctx.clients['grpc-stream']],
      ['grpc-pmwire', pmwire],
      ['proxymesh', ctx.clients.proxymesh],
    ];
    const rows: SmallPrototype[] = [];
    for (const concurrency of config.quick ? [1] : [1, config.highConcurrency]) {
      for (const [system, client] of clients) {
        const r = await client.call<LoopResult>('transfer', { op: 'get', size: 100, plan: config.loop(100, concurrency) });
        const row: SmallPrototype = { system, concurrency, p50Us: r.p50Us, p99Us: r.p99Us, opsPerSecond: spread(r.reps.map((x) => x.ops / x.seconds)) };
        log(`  prototype get 100 B ×${concurrency} ${system}: p50 ${us(row.p50Us)}, ${row.opsPerSecond.median.toFixed(0)} ops/s`);
        rows.push(row);
      }
    }
    return rows;
  } finally {
    await pmwire.stop();
  }
}

async function retained(config: BenchConfig, ctx: Context): Promise<RetainedPrototype[]> {
  const rows: RetainedPrototype[] = [];
  const calls = config.prototypes.retainedCalls;
  const putSize = config.quick ? 16 * 1024 * 1024 : 64 * 1024 * 1024;
  const putPlan = { ...config.loop(putSize, 1), reps: 3 };
  const gets = (n: number): Record<string, unknown> => ({ op: 'get', size: 100, plan: { warmupOps: 0, reps: 1, opsPerRep: n, maxMsPerRep: 60_000, concurrency: 64 } });
  for (const system of ['grpc-stream', 'proxymesh'] as const) {
    const client = await startRole('client', [system, ctx.targets[system]]);
    try {
      const putBefore = (await client.call<LoopResult>('transfer', { op: 'put', size: putSize, plan: putPlan })).reps;
      await client.call('transfer', gets(1_000));
      const before = await client.call<MemoryNow>('memory');
      await client.call('transfer', gets(calls));
      const after = await client.call<MemoryNow>('memory');
      const putAfter = (await client.call<LoopResult>('transfer', { op: 'put', size: putSize, plan: putPlan })).reps;
      const tput = (reps: RepResult[]): number[] => reps.map((x) => (x.ops * putSize) / x.seconds);
      const row: RetainedPrototype = {
        system,
        calls,
        heapPerCall: (after.heapUsed + after.external - before.heapUsed - before.external) / calls,
        rssDeltaBytes: after.rss - before.rss,
        putSize,
        putBefore: spread(tput(putBefore)),
        putAfter: spread(tput(putAfter)),
      };
      log(`  prototype retained after ${calls} gets, ${system}: ${row.heapPerCall.toFixed(0)} B heap per call; put ${rate(row.putBefore.median)} → ${rate(row.putAfter.median)}`);
      rows.push(row);
    } finally {
      await client.stop();
    }
  }
  return rows;
}

export async function runPrototypes(config: BenchConfig, ctx: Context, errors: string[]): Promise<Prototypes> {
  return { small: await small(config, ctx), retained: await retained(config, ctx), large: await large(config, errors) };
}

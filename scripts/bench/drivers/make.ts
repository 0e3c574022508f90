/**
 * The systems under test, by name, and the driver for each. A client process drives one system
 * and loads only that system's code, as a user's process would: its heap, which every full GC
 * marks, holds no other system's client library.
 * @module
 */
import type { Driver } from './driver.js';
import { chunkFlag } from '../lib/flags.js';

/**
 * Every system the transfer scenarios compare. `grpc-checked` is the bare grpc-js stream whose
 * receiver also computes the CRC-32C of what it gets, as proxymesh's contract asks: measured for
 * large gets only, the bound for a get under the contract (BENCHMARKS.md, Tuning §21).
 */
export const SYSTEMS = ['tcp', 'grpc-unary', 'grpc-stream', 'grpc-checked', 'redis', 'proxymesh'] as const;
/** Systems only the tuning prototypes use. */
export const PROTOTYPE_SYSTEMS = ['grpc-pmwire'] as const;
export type SystemName = (typeof SYSTEMS)[number];
export type AnySystem = SystemName | (typeof PROTOTYPE_SYSTEMS)[number];

/** A driver for `system`; `target` is a port, or proxymesh's peer address. */
export async function makeDriver(system: AnySystem, target: string): Promise<Driver> {
  switch (system) {
    case 'tcp':
      return new (await import('./tcp.js')).TcpDriver(Number(target));
    case 'grpc-unary':
      return new (await import('./grpc.js')).GrpcDriver(Number(target), 'unary');
    case 'grpc-stream':
      return new (await import('./grpc.js')).GrpcDriver(Number(target), 'stream');
    case 'grpc-checked':
      return new (await import('./grpc.js')).GrpcDriver(Number(target), 'checked');
    case 'grpc-pmwire':
      return new (await import('./grpc.js')).GrpcDriver(Number(target), 'pmwire');
    case 'redis':
      return new (await import('./redis.js')).RedisDriver(Number(target));
    case 'proxymesh':
      return new (await import('./mesh.js')).MeshDriver(target, chunkFlag());
  }
}

/**
 * The systems under test, by name, and the driver for each.
 * @module
 */
import type { Driver } from './driver.js';
import { GrpcDriver } from './grpc.js';
import { MeshDriver } from './mesh.js';
import { RedisDriver } from './redis.js';
import { TcpDriver } from './tcp.js';
import { chunkFlag } from '../lib/flags.js';

/** Every system the transfer scenarios compare. */
export const SYSTEMS = ['tcp', 'grpc-unary', 'grpc-stream', 'redis', 'proxymesh'] as const;
/** Systems only the tuning prototypes use. */
export const PROTOTYPE_SYSTEMS = ['grpc-pmwire'] as const;
export type SystemName = (typeof SYSTEMS)[number];
export type AnySystem = SystemName | (typeof PROTOTYPE_SYSTEMS)[number];

/** A driver for `system`; `target` is a port, or proxymesh's peer address. */
export function makeDriver(system: AnySystem, target: string): Driver {
  switch (system) {
    case 'tcp':
      return new TcpDriver(Number(target));
    case 'grpc-unary':
      return new GrpcDriver(Number(target), 'unary');
    case 'grpc-stream':
      return new GrpcDriver(Number(target), 'stream');
    case 'grpc-pmwire':
      return new GrpcDriver(Number(target), 'pmwire');
    case 'redis':
      return new RedisDriver(Number(target));
    case 'proxymesh':
      return new MeshDriver(target, chunkFlag());
  }
}

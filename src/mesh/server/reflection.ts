/**
 * gRPC server reflection for peers, so standard tools (grpcurl, grpc_cli, Postman, Evans) can
 * list, describe and call a running peer without the .proto files. It serves the descriptor
 * set `npm run generate` writes to `descriptors/proxymesh.binpb` (the contract, and gRPC's health and
 * reflection protos), under both `grpc.reflection.v1` and the older `grpc.reflection.v1alpha`,
 * which some tools still ask for alone: the same messages under another package name.
 * nice-grpc-server-reflection is loaded at the first reflection call, not with the peer: with the
 * google-protobuf code it brings, it is ~4 MB of heap that a peer nobody inspects never uses,
 * and that every full GC of the peer would mark (BENCHMARKS.md, Tuning: "What a process loads").
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MethodDefinition, Server } from '@grpc/grpc-js';
import type * as Reflection from 'nice-grpc-server-reflection';
import { addAsyncService } from './async-services.js';

/** Where the descriptor set is: from `src/mesh/server/` (sources) and from `dist/src/mesh/server/` (built). */
const DESCRIPTOR_PATHS = ['../../../descriptors/proxymesh.binpb', '../../../../descriptors/proxymesh.binpb'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

let loaded: typeof Reflection | undefined;

/** nice-grpc-server-reflection, loaded on first use. */
function reflection(): typeof Reflection {
  loaded ??= createRequire(import.meta.url)('nice-grpc-server-reflection') as typeof Reflection;
  return loaded;
}

/** The ServerReflectionInfo method at `path`, its messages (de)serialised by the module once loaded. */
function lazyMethod(path: string): MethodDefinition<unknown, unknown> {
  const real = (): MethodDefinition<unknown, unknown> => reflection().ServerReflectionService.serverReflectionInfo as MethodDefinition<unknown, unknown>;
  return {
    path,
    requestStream: true,
    responseStream: true,
    requestSerialize: (message) => real().requestSerialize(message),
    requestDeserialize: (bytes) => real().requestDeserialize(bytes),
    responseSerialize: (message) => real().responseSerialize(message),
    responseDeserialize: (bytes) => real().responseDeserialize(bytes),
  };
}

const V1_SERVICE = { serverReflectionInfo: lazyMethod('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo') };
const V1ALPHA_SERVICE = { serverReflectionInfo: lazyMethod('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo') };

let descriptorSet: Uint8Array | undefined;

/** The encoded FileDescriptorSet, read once. */
function readDescriptorSet(): Uint8Array {
  if (descriptorSet === undefined) {
    const path = DESCRIPTOR_PATHS.find((p) => existsSync(p));
    if (path === undefined) throw new Error(`The reflection descriptor set is missing (looked for ${DESCRIPTOR_PATHS.join(' and ')}); run \`npm run generate\`.`);
    descriptorSet = readFileSync(path);
  }
  return descriptorSet;
}

/** Adds the reflection services to a server; it lists the services named (full names) and itself. */
export function addReflection(server: Server, serviceNames: readonly string[]): void {
  // Read now, so a missing descriptor set stops the peer's start rather than its first reflection call.
  const descriptors = readDescriptorSet();
  let served: ReturnType<typeof Reflection.ServerReflection> | undefined;
  const implementation = {
    serverReflectionInfo(...args: Parameters<ReturnType<typeof Reflection.ServerReflection>['serverReflectionInfo']>) {
      served ??= reflection().ServerReflection(descriptors, [...serviceNames, 'grpc.reflection.v1.ServerReflection']);
      return served.serverReflectionInfo(...args);
    },
  };
  addAsyncService(server, V1_SERVICE, implementation);
  addAsyncService(server, V1ALPHA_SERVICE, implementation);
}

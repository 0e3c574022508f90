/**
 * gRPC server reflection for peers, so standard tools (grpcurl, grpc_cli, Postman, Evans) can
 * list, describe and call a running peer without the .proto files. It serves the descriptor
 * set `npm run generate` writes to `descriptors/proxymesh.binpb` (the contract, and gRPC's health and
 * reflection protos), under both `grpc.reflection.v1` and the older `grpc.reflection.v1alpha`,
 * which some tools still ask for alone: the same messages under another package name.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Server } from '@grpc/grpc-js';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import { addNiceService } from './nice-services.js';

/** Where the descriptor set is: from `src/mesh/` (sources) and from `dist/src/mesh/` (built). */
const DESCRIPTOR_PATHS = ['../../descriptors/proxymesh.binpb', '../../../descriptors/proxymesh.binpb'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

const V1ALPHA_SERVICE = {
  serverReflectionInfo: { ...ServerReflectionService.serverReflectionInfo, path: '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo' },
} as const;

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
  const implementation = ServerReflection(readDescriptorSet(), [...serviceNames, 'grpc.reflection.v1.ServerReflection']);
  addNiceService(server, ServerReflectionService, implementation);
  addNiceService(server, V1ALPHA_SERVICE, implementation);
}

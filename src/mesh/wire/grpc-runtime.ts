/**
 * The CommonJS packages the mesh runs on (grpc-js, nice-grpc-common), loaded with `require`.
 *
 * Why not `import`: an ES module that imports a CommonJS package makes Node parse the package's
 * files once more to find their named exports (cjs-module-lexer), following every re-export, and
 * that memory stays with the thread. Loading grpc-js and the CRC-32C addon this way instead cut
 * an embedded peer's process by ~8 MiB RSS here (87-89 MiB to 79-80 MiB; a peer thread and a
 * bridge thread each paid it). The names are the packages' own, as values and as types.
 * @module
 */
import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import type * as NiceGrpcCommon from 'nice-grpc-common';

const load = createRequire(import.meta.url);
const grpc = load('@grpc/grpc-js') as typeof GrpcJs;
const common = load('nice-grpc-common') as typeof NiceGrpcCommon;

export const { Channel, ChannelCredentials, Client, Metadata, Server, ServerCredentials, status } = grpc;
export type Channel = GrpcJs.Channel;
export type ChannelCredentials = GrpcJs.ChannelCredentials;
export type Client = GrpcJs.Client;
export type Metadata = GrpcJs.Metadata;
export type Server = GrpcJs.Server;
export type ServerCredentials = GrpcJs.ServerCredentials;

export const { ClientError, ServerError, Status } = common;
export type ClientError = NiceGrpcCommon.ClientError;
export type ServerError = NiceGrpcCommon.ServerError;
export type Status = NiceGrpcCommon.Status;

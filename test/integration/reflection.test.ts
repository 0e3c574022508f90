/**
 * gRPC server reflection, as grpcurl, grpc_cli or Postman use it: a reflection client built at
 * run time from gRPC's own reflection.proto (vendored in third_party/grpc-proto) lists a real
 * peer's services, fetches their descriptors, and calls the peer knowing only what reflection
 * told it.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { load } from '@grpc/proto-loader';
import { create, createFileRegistry, fromBinary, fromJson, toBinary, toJson, type DescMessage, type DescService, type JsonValue, type Message } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { ChannelCredentials, createChannel, createClient, type Channel, type MethodDefinition } from 'nice-grpc';
import { Peer } from '../../src/mesh/server/peer.js';

const GRPC_PROTOS = fileURLToPath(new URL('../../third_party/grpc-proto/', import.meta.url));

/** The reflection messages, as proto-loader decodes them (oneofs named, defaults filled). */
interface ReflectionRequest {
  listServices?: string;
  fileContainingSymbol?: string;
  fileByFilename?: string;
}
interface ReflectionResponse {
  /** Which of the oneof's fields is set: 'listServicesResponse', 'fileDescriptorResponse', 'errorResponse', ... */
  messageResponse: string;
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}
type ReflectionDefinition = {
  serverReflectionInfo: MethodDefinition<ReflectionRequest, ReflectionRequest, ReflectionResponse, ReflectionResponse, true, true>;
};

/** `grpc.reflection.<version>.ServerReflection`, from reflection.proto; v1alpha is the same messages under another path. */
async function reflectionDefinition(version: 'v1' | 'v1alpha'): Promise<ReflectionDefinition> {
  const loaded = await load('grpc/reflection/v1/reflection.proto', { includeDirs: [GRPC_PROTOS], defaults: true, oneofs: true, longs: String, enums: String });
  const service = loaded['grpc.reflection.v1.ServerReflection'];
  const method = service !== undefined && 'ServerReflectionInfo' in service ? service.ServerReflectionInfo : undefined;
  if (method === undefined) throw new Error('reflection.proto defines no ServerReflection.ServerReflectionInfo');
  return {
    serverReflectionInfo: {
      path: `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      requestStream: true,
      responseStream: true,
      requestSerialize: (value) => method.requestSerialize(value),
      requestDeserialize: (bytes) => method.requestDeserialize(Buffer.from(bytes)),
      responseSerialize: (value) => method.responseSerialize(value),
      responseDeserialize: (bytes) => method.responseDeserialize(Buffer.from(bytes)) as ReflectionResponse,
      options: {},
    },
  };
}

let peer: Peer;
const channels: Channel[] = [];

beforeEach(async () => {
  peer = await Peer.start({ listen: '127.0.0.1:0' });
});

afterEach(async () => {
  channels.splice(0).forEach((c) => c.close());
  await peer.close();
});

function channel(): Channel {
  const c = createChannel(peer.address, ChannelCredentials.createInsecure());
  channels.push(c);
  return c;
}

/** Sends reflection requests on one stream and returns the answers, one per request. */
async function reflect(requests: ReflectionRequest[], version: 'v1' | 'v1alpha' = 'v1'): Promise<ReflectionResponse[]> {
  const client = createClient(await reflectionDefinition(version), channel());
  const responses: ReflectionResponse[] = [];
  const stream = (async function* () {
    yield* requests;
  })();
  for await (const response of client.serverReflectionInfo(stream)) responses.push(response);
  return responses;
}

/** The listed service names. */
async function listServices(version: 'v1' | 'v1alpha' = 'v1'): Promise<string[]> {
  const [response] = await reflect([{ listServices: '' }], version);
  return (response?.listServicesResponse?.service ?? []).map((s) => s.name);
}

/** The file descriptors reflection returns for a symbol; fails with the server's error response. */
async function filesContaining(symbol: string): Promise<FileDescriptorProto[]> {
  const [response] = await reflect([{ fileContainingSymbol: symbol }]);
  if (response?.messageResponse !== 'fileDescriptorResponse') throw new Error(`no descriptor for ${symbol}: ${JSON.stringify(response?.errorResponse)}`);
  return (response.fileDescriptorResponse?.fileDescriptorProto ?? []).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
}

/** A service as a client rebuilds it from the descriptors reflection returned. */
async function describeService(name: string): Promise<DescService> {
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: await filesContaining(name) }));
  const service = registry.getService(name);
  if (service === undefined) throw new Error(`the descriptors returned for ${name} do not define it`);
  return service;
}

/** Calls a unary method knowing only its descriptor: the request and response as JSON, as grpcurl does. */
async function callUnary(service: DescService, methodName: string, request: JsonValue): Promise<JsonValue> {
  const method = service.methods.find((m) => m.name === methodName);
  if (method?.methodKind !== 'unary') throw new Error(`${service.typeName} has no unary method ${methodName}`);
  const { input, output }: { input: DescMessage; output: DescMessage } = method;
  const definition = {
    call: {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Message) => toBinary(input, value),
      requestDeserialize: (bytes: Uint8Array) => fromBinary(input, bytes),
      responseSerialize: (value: Message) => toBinary(output, value),
      responseDeserialize: (bytes: Uint8Array) => fromBinary(output, bytes),
      options: {},
    },
  } as const satisfies { call: MethodDefinition<Message, Message, Message, Message, false, false> };
  const response = await createClient(definition, channel()).call(fromJson(input, request));
  return toJson(output, response);
}

describe('server reflection', () => {
  // ListServices names the contract's service, the health service and reflection itself.
  it('lists the peer, health and reflection services', async () => {
    expect(await listServices()).toEqual(expect.arrayContaining(['proxymesh.v1.PeerService', 'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection']));
  });

  // FileContainingSymbol returns the contract's file descriptor: every RPC with its streaming shape, and the doc comments.
  it('returns the descriptor of proxymesh.v1.PeerService', async () => {
    const [file] = await filesContaining('proxymesh.v1.PeerService');
    expect(file).toMatchObject({ name: 'proxymesh/v1/peer.proto', package: 'proxymesh.v1' });
    const service = await describeService('proxymesh.v1.PeerService');
    expect(Object.fromEntries(service.methods.map((m) => [m.name, m.methodKind]))).toEqual({
      Put: 'client_streaming',
      Get: 'server_streaming',
      Exists: 'unary',
      Evict: 'unary',
      NewKey: 'unary',
      Set: 'client_streaming',
      Replace: 'client_streaming',
      Expire: 'unary',
      Await: 'server_streaming',
      Stats: 'unary',
      GetBatch: 'server_streaming',
      PutBatch: 'client_streaming',
      Locate: 'unary',
      Publish: 'unary',
      Subscribe: 'server_streaming',
    });
    // Source info is kept, so `grpcurl describe` shows the contract's documentation.
    expect(file?.sourceCodeInfo?.location.some((l) => l.leadingComments.includes('PeerService stores objects in memory'))).toBe(true);
  });

  // Every listed service can be described (what `grpcurl describe` with no symbol asks for), and a method, a message, a file name resolve too.
  it('describes every service it lists, and methods, messages and files', async () => {
    for (const name of await listServices()) expect((await describeService(name)).typeName).toBe(name);
    expect((await filesContaining('proxymesh.v1.PeerService.Await'))[0]?.name).toBe('proxymesh/v1/peer.proto');
    expect((await filesContaining('proxymesh.v1.Key'))[0]?.name).toBe('proxymesh/v1/peer.proto');
    const [byName] = await reflect([{ fileByFilename: 'grpc/health/v1/health.proto' }]);
    expect(byName?.messageResponse).toBe('fileDescriptorResponse');
    const [unknown] = await reflect([{ fileContainingSymbol: 'proxymesh.v1.NoSuchThing' }]);
    expect(unknown?.errorResponse?.errorCode).toBe(5); // NOT_FOUND
  });

  // A client that knows only what reflection returned calls Stats and Health.Check, with JSON in and out like grpcurl.
  it('lets a client call the peer from the reflected descriptors alone', async () => {
    const stats = await callUnary(await describeService('proxymesh.v1.PeerService'), 'Stats', {});
    expect(stats).toMatchObject({ peer: peer.address, incarnation: peer.incarnation });
    const health = await callUnary(await describeService('grpc.health.v1.Health'), 'Check', { service: '' });
    expect(health).toEqual({ status: 'SERVING' });
  });

  // Tools that still speak only grpc.reflection.v1alpha (grpc_cli, older grpcurl and Postman) get the same answers.
  it('answers the older v1alpha reflection service too', async () => {
    expect(await listServices('v1alpha')).toEqual(await listServices('v1'));
  });
});

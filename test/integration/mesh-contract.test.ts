/**
 * The contract as a peer in another language sees it: a client built at run time from
 * `proto/proxymesh/v1/peer.proto` alone (`@grpc/proto-loader` + `loadPackageDefinition`), with
 * no generated code and no proxymesh client code, against a real peer on loopback.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { load } from '@grpc/proto-loader';
import {
  credentials,
  loadPackageDefinition,
  status,
  type GrpcObject,
  type Client,
  type MethodDefinition,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { Peer } from '../../src/mesh/server/peer.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { waitFor } from '../helpers/wait-for.js';

const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));

/** A decoded or to-be-encoded message: plain objects, as proto-loader gives them. */
type Message = Record<string, unknown>;
/** A wire key. */
interface WireKey extends Message {
  peer: string;
  incarnation: string;
  id: string;
}

/** A member of a loaded package, checked to be a namespace. */
function namespace(parent: GrpcObject, name: string): GrpcObject {
  const child = parent[name];
  if (child === undefined || typeof child === 'function' || 'format' in child) throw new Error(`${name} is not a package in the loaded proto`);
  return child;
}

/** The PeerService, built from the .proto text alone. */
async function loadPeerService(): Promise<ServiceClientConstructor> {
  const definition = await load('proxymesh/v1/peer.proto', {
    includeDirs: [PROTO_ROOT],
    // What a careful foreign client would choose: 64-bit integers as strings, oneof names reported.
    longs: String,
    defaults: true,
    oneofs: true,
  });
  const service = namespace(namespace(loadPackageDefinition(definition), 'proxymesh'), 'v1').PeerService;
  if (typeof service !== 'function') throw new Error('proxymesh.v1.PeerService is not a service in the loaded proto');
  return service;
}

/** A client of the contract's RPCs by name, resolving with messages or rejecting with the gRPC ServiceError. */
class WireClient {
  constructor(
    private readonly client: Client,
    private readonly service: ServiceClientConstructor,
  ) {}

  #method(name: string): MethodDefinition<Message, Message> {
    const method = this.service.service[name];
    if (method === undefined) throw new Error(`The contract has no RPC ${name}`);
    // proto-loader's definitions are untyped (any); messages here are plain objects.
    return method as MethodDefinition<unknown, unknown> as MethodDefinition<Message, Message>;
  }

  unary(name: string, request: Message): Promise<Message> {
    const m = this.#method(name);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, (error: ServiceError | null, response?: Message) =>
        error ? reject(error) : resolve(response ?? {}),
      );
    });
  }

  /** A client-streaming call: writes `requests` in order, half-closes, resolves with the response. */
  clientStream(name: string, requests: Message[]): Promise<Message> {
    const m = this.#method(name);
    return new Promise((resolve, reject) => {
      const call = this.client.makeClientStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, (error: ServiceError | null, response?: Message) =>
        error ? reject(error) : resolve(response ?? {}),
      );
      // A peer that refuses the stream early may end the call while we still write: that is fine.
      call.on('error', () => undefined);
      for (const request of requests) call.write(request);
      call.end();
    });
  }

  /** A server-streaming call: resolves with every message once the call ends OK. */
  serverStream(name: string, request: Message): Promise<Message[]> {
    const m = this.#method(name);
    return new Promise((resolve, reject) => {
      const messages: Message[] = [];
      const call = this.client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, request);
      call.on('data', (message: Message) => messages.push(message));
      call.on('error', reject);
      call.on('end', () => resolve(messages));
    });
  }
}

/** The object a Get/Await stream carried, checked to be one whole object, or header, data pieces, trailer in that order. */
function objectOf(messages: Message[]): { codec: string; size: string; data: Buffer; crc32c: number } {
  const parts = messages.map((m) => m.part);
  if (parts[0] === 'whole') {
    expect(parts).toEqual(['whole']);
    const whole = messages[0]?.whole as { codec: string; data: Buffer; crc32c: number };
    return { codec: whole.codec, size: String(whole.data.byteLength), data: whole.data, crc32c: whole.crc32c };
  }
  expect(parts[0]).toBe('header');
  expect(parts.at(-1)).toBe('trailer');
  expect(parts.slice(1, -1).every((p) => p === 'data')).toBe(true);
  const header = messages[0]?.header as { codec: string; size: string };
  const trailer = messages.at(-1)?.trailer as { crc32c: number };
  const data = Buffer.concat(messages.slice(1, -1).map((m) => m.data as Buffer));
  return { codec: header.codec, size: header.size, data, crc32c: trailer.crc32c };
}

/** The status a call failed with; fails the test if it succeeded. */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as ServiceError,
  );
}

const put = (codec: string, data: Buffer, trailer?: number): Message[] => [
  { header: { codec, size: data.byteLength } },
  ...(data.byteLength > 0 ? [{ data }] : []),
  ...(trailer === undefined ? [] : [{ trailer: { crc32c: trailer } }]),
];

describe('the contract from the .proto alone', () => {
  let Service: ServiceClientConstructor;
  let peer: Peer;
  let client: Client;
  let wire: WireClient;

  beforeEach(async () => {
    Service ??= await loadPeerService();
    peer = await Peer.start({ listen: '127.0.0.1:0', maxObjectBytes: 64 * 1024 * 1024 });
    client = new Service(peer.address, credentials.createInsecure());
    wire = new WireClient(client, Service);
  });

  afterEach(async () => {
    client.close();
    await peer.close();
  });

  /** A stored object, put over the wire. */
  async function stored(text: string): Promise<WireKey> {
    return (await wire.clientStream('Put', put('utf8', Buffer.from(text)))).key as WireKey;
  }

  /** The peer still answers correctly: a put and a get round-trip, and its identity is unchanged. */
  async function expectStillServing(): Promise<void> {
    const key = await stored('still serving');
    expect(objectOf(await wire.serverStream('Get', { key })).data.toString()).toBe('still serving');
    expect((await wire.unary('Stats', {})).incarnation).toBe(peer.incarnation);
  }

  describe('every RPC', () => {
    // Put streams header, data pieces and trailer; Get streams them back; Exists and Evict answer.
    it('puts, gets, tests and evicts', async () => {
      const data = patternBytes(3 * 1024 * 1024 + 17, 'contract');
      const pieces = [data.subarray(0, 1 << 20), data.subarray(1 << 20, 2 << 20), data.subarray(2 << 20)];
      const response = await wire.clientStream('Put', [{ header: { codec: 'bytes', size: String(data.byteLength) } }, ...pieces.map((d) => ({ data: d })), { trailer: { crc32c: 0 } }]);
      const key = response.key as WireKey;
      expect(key.peer).toBe(peer.address);
      expect(key.incarnation).toMatch(/^[0-9a-f]{16}$/);
      expect(key.id).toMatch(/^[0-9a-f]{32}$/);

      const object = objectOf(await wire.serverStream('Get', { key }));
      expect(object.codec).toBe('bytes');
      expect(object.size).toBe(String(data.byteLength));
      expect(sha256(object.data)).toBe(sha256(data));

      expect(await wire.unary('Exists', { key })).toEqual({ exists: true });
      expect(await wire.unary('Evict', { key })).toEqual({ evicted: true });
      expect(await wire.unary('Exists', { key })).toEqual({ exists: false });
      expect(await wire.unary('Evict', { key })).toEqual({ evicted: false });
      const gone = await failure(wire.serverStream('Get', { key }));
      expect(gone.code).toBe(status.NOT_FOUND);
      expect(gone.details).toContain(key.id);
    });

    // NewKey, then an Await started before Set receives exactly what Set sent; a second Set is refused.
    it('fulfils a deferred key: NewKey, Await, Set, ALREADY_EXISTS', async () => {
      const created = await wire.unary('NewKey', {});
      const key = created.key as WireKey;
      const capability = created.capability as string;
      expect(key.peer).toBe(peer.address);
      expect(capability).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await wire.unary('Exists', { key })).toEqual({ exists: false });

      const awaiting = wire.serverStream('Await', { key });
      await waitFor(async () => (await wire.unary('Stats', {})).waiters === '1', 'the Await is registered');

      const value = Buffer.from('{"answer":42}');
      // Holding the key is not enough to write it: without NewKey's capability, PERMISSION_DENIED.
      const intruder = await failure(wire.clientStream('Set', [{ header: { key, object: { codec: 'json', size: 1 }, capability: '' } }, { data: Buffer.from('0') }]));
      expect(intruder.code).toBe(status.PERMISSION_DENIED);
      expect(intruder.details).toMatch(/capability is missing/);
      expect(await wire.clientStream('Set', [{ header: { key, object: { codec: 'json', size: value.byteLength }, capability } }, { data: value }, { trailer: { crc32c: crc32c(value) } }])).toEqual({});
      const object = objectOf(await awaiting);
      expect(object.codec).toBe('json');
      expect(object.data.toString()).toBe('{"answer":42}');

      const again = await failure(wire.clientStream('Set', [{ header: { key, object: { codec: 'json', size: 1 }, capability } }, { data: Buffer.from('0') }]));
      expect(again.code).toBe(status.ALREADY_EXISTS);
      expect(again.details).toMatch(/already set/);
      expect(again.details).toContain(key.id);
      expect(objectOf(await wire.serverStream('Get', { key })).data.toString()).toBe('{"answer":42}');
      // An Await on a key that is already set answers at once.
      expect(objectOf(await wire.serverStream('Await', { key })).data.toString()).toBe('{"answer":42}');
    });

    // Same-host handoff as a foreign client does it: Locate, check the token, write the value into the directory, Set it by name; then Get and Await with accept_file answer one `file` message naming it, and without accept_file the bytes stream with the writer's checksum.
    // Put answers the owner's capability; Replace with it changes the value (a Set's messages), without it is PERMISSION_DENIED, on a pending key NOT_FOUND; Expire evicts on time, 0 takes the time away.
    it('lets the putter replace and expire its object: Replace, Expire', async () => {
      const response = await wire.clientStream('Put', put('utf8', Buffer.from('first')));
      const key = response.key as WireKey;
      const capability = response.capability as string;
      expect(capability).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const replace = (text: string, cap: string): Promise<Message> => wire.clientStream('Replace', [{ header: { key, whole: { codec: 'utf8', data: Buffer.from(text), crc32c: 0 }, capability: cap } }]);
      const denied = await failure(replace('stolen', ''));
      expect(denied.code).toBe(status.PERMISSION_DENIED);
      expect(denied.details).toContain(key.id);
      await replace('second', capability);
      expect(objectOf(await wire.serverStream('Get', { key })).data.toString()).toBe('second');

      const pending = (await wire.unary('NewKey', {})).key as WireKey;
      const early = await failure(wire.clientStream('Replace', [{ header: { key: pending, whole: { codec: 'utf8', data: Buffer.from('x'), crc32c: 0 }, capability } }]));
      expect(early.code).toBe(status.NOT_FOUND);

      expect((await failure(wire.unary('Expire', { key, capability: 'wrong', ttlMs: '1' }))).code).toBe(status.PERMISSION_DENIED);
      await wire.unary('Expire', { key, capability, ttlMs: '100' });
      await waitFor(async () => (await wire.unary('Exists', { key })).exists === false, 'the peer evicted the object whose time to live passed');
      expect((await failure(wire.unary('Expire', { key, capability, ttlMs: '0' }))).code).toBe(status.NOT_FOUND);
    });

    it('hands values over as files on the same host: Locate, Set by file, accept_file', async () => {
      const located = await wire.unary('Locate', {});
      expect(located.incarnation).toBe(peer.incarnation);
      expect(readFileSync(join(located.directory as string, 'token'), 'utf8')).toBe(located.token);
      const created = await wire.unary('NewKey', {});
      const key = created.key as WireKey;
      const data = patternBytes(2 * 1024 * 1024 + 5, 'by file');
      writeFileSync(join(located.directory as string, 'from-python'), data);
      const file = { name: 'from-python', codec: 'bytes', size: String(data.byteLength), crc32c: crc32c(data) };
      expect(await wire.clientStream('Set', [{ header: { key, file, capability: created.capability } }])).toEqual({});
      for (const rpc of ['Get', 'Await']) {
        const answer = await wire.serverStream(rpc, { key, acceptFile: true });
        expect(answer.map((m) => m.part)).toEqual(['file']);
        const named = answer[0]?.file as { name: string; codec: string; size: string; crc32c: number };
        expect(named).toMatchObject({ codec: 'bytes', size: String(data.byteLength), crc32c: crc32c(data) });
        expect(sha256(readFileSync(join(located.directory as string, named.name)))).toBe(sha256(data));
      }
      const streamed = objectOf(await wire.serverStream('Get', { key }));
      expect(sha256(streamed.data)).toBe(sha256(data));
      expect(streamed.crc32c).toBe(crc32c(data));
      // A Put hands a file over the same way, as its only message; anything after it is refused.
      writeFileSync(join(located.directory as string, 'put-by-file'), data);
      const put = await wire.clientStream('Put', [{ file: { ...file, name: 'put-by-file' } }]);
      expect(sha256(objectOf(await wire.serverStream('Get', { key: put.key })).data)).toBe(sha256(data));
      writeFileSync(join(located.directory as string, 'then-more'), data);
      const followed = await failure(wire.clientStream('Put', [{ file: { ...file, name: 'then-more' } }, { data: Buffer.from('x') }]));
      expect(followed.code).toBe(status.INVALID_ARGUMENT);
      expect(followed.details).toMatch(/nothing may follow a file handoff/);
      // The refused file was not taken over: it is still there under its writer's name.
      expect(readFileSync(join(located.directory as string, 'then-more')).byteLength).toBe(data.byteLength);
    });

    // Stats reports identity and counters with the proto's field names.
    it('reports stats', async () => {
      await stored('12345');
      const pending = (await wire.unary('NewKey', {})).key as WireKey;
      expect(await wire.unary('Stats', {})).toEqual({ peer: peer.address, incarnation: peer.incarnation, objects: '1', bytes: '5', pendingKeys: '1', waiters: '0' });
      await wire.unary('Evict', { key: pending });
      expect((await wire.unary('Stats', {})).pendingKeys).toBe('0');
    });

    // Evicting a pending key ends its Await with NOT_FOUND.
    it('ends an Await with NOT_FOUND when its key is evicted', async () => {
      const key = (await wire.unary('NewKey', {})).key as WireKey;
      const awaiting = failure(wire.serverStream('Await', { key }));
      await waitFor(async () => (await wire.unary('Stats', {})).waiters === '1', 'the Await is registered');
      await wire.unary('Evict', { key });
      const error = await awaiting;
      expect(error.code).toBe(status.NOT_FOUND);
      expect(error.details).toMatch(/evicted/);
      expect(error.details).toContain(key.id);
    });

    // A Put with a correct non-zero CRC-32C in its trailer is accepted and stored intact.
    it('accepts a correct checksum', async () => {
      const data = patternBytes(100_000, 'crc');
      const key = (await wire.clientStream('Put', put('bytes', data, crc32c(data)))).key as WireKey;
      expect(sha256(objectOf(await wire.serverStream('Get', { key })).data)).toBe(sha256(data));
    });
    // An object of at most one piece goes both ways as one WholeObject message; a larger one in pieces.
    it('carries small objects whole: Put, Set, Get and Await', async () => {
      const small = Buffer.from('one message');
      const key = (await wire.clientStream('Put', [{ whole: { codec: 'utf8', data: small, crc32c: crc32c(small) } }])).key as WireKey;
      const got = await wire.serverStream('Get', { key });
      expect(got.map((m) => m.part)).toEqual(['whole']);
      expect(objectOf(got)).toEqual({ codec: 'utf8', size: String(small.byteLength), data: small, crc32c: crc32c(small) });

      const created = await wire.unary('NewKey', {});
      const deferred = created.key as WireKey;
      const awaiting = wire.serverStream('Await', { key: deferred });
      await waitFor(async () => (await wire.unary('Stats', {})).waiters === '1', 'the Await is registered');
      const header = { key: deferred, whole: { codec: 'json', data: Buffer.from('[1]'), crc32c: 0 }, capability: created.capability };
      expect(await wire.clientStream('Set', [{ header }])).toEqual({});
      const woke = await awaiting;
      expect(woke.map((m) => m.part)).toEqual(['whole']);
      expect(objectOf(woke).data.toString()).toBe('[1]');

      // One byte over a piece, and the peer streams it: header, data, trailer.
      const large = patternBytes((1 << 20) + 1, 'large');
      const big = (await wire.clientStream('Put', put('bytes', large))).key as WireKey;
      expect((await wire.serverStream('Get', { key: big })).map((m) => m.part)).toEqual(['header', 'data', 'data', 'trailer']);
    });

    // A whole object with company, or with a wrong checksum, is refused and stores nothing.
    it('refuses a whole object followed by more, or with a wrong checksum', async () => {
      const data = Buffer.from('abc');
      const followed = await failure(wire.clientStream('Put', [{ whole: { codec: 'bytes', data, crc32c: 0 } }, { data }]));
      expect(followed.code).toBe(status.INVALID_ARGUMENT);
      expect(followed.details).toMatch(/nothing may follow a whole object/);
      const corrupted = await failure(wire.clientStream('Put', [{ whole: { codec: 'bytes', data, crc32c: crc32c(Buffer.from('abd')) } }]));
      expect(corrupted.code).toBe(status.INVALID_ARGUMENT);
      expect(corrupted.details).toMatch(/checksum does not match/);
      expect((await wire.unary('Stats', {})).objects).toBe('0');
    });
  });

  describe('bad input over the wire', () => {
    // Each malformed Put stream gets INVALID_ARGUMENT saying what was wrong, and stores nothing.
    it.each<[string, () => Message[], RegExp]>([
      ['an empty stream (no header)', () => [], /must start with a header/],
      ['data before the header', () => [{ data: Buffer.from('abc') }, { header: { codec: 'bytes', size: 3 } }], /must start with a header/],
      ['only a trailer', () => [{ trailer: { crc32c: 0 } }], /must start with a header/],
      ['more data than the header says', () => [{ header: { codec: 'bytes', size: 3 } }, { data: Buffer.from('abcd') }], /more data arrived than the 3 bytes/],
      ['less data than the header says', () => [{ header: { codec: 'bytes', size: 10 } }, { data: Buffer.from('abcd') }], /ended after 4 of 10 bytes.*truncated/],
      ['two headers', () => [{ header: { codec: 'bytes', size: 1 } }, { header: { codec: 'bytes', size: 1 } }, { data: Buffer.from('a') }], /second header/],
      ['data after the trailer', () => [...put('bytes', Buffer.from('a'), 0), { data: Buffer.from('b') }], /nothing may follow the trailer/],
      ['a codec tag over 64 characters', () => put('c'.repeat(65), Buffer.from('a')), /codec tag .* 1 to 64 bytes.*got 65/],
      ['an empty codec tag', () => put('', Buffer.from('a')), /codec tag .* 1 to 64 bytes.*got 0/],
      ['a wrong non-zero checksum', () => put('bytes', Buffer.from('payload'), crc32c(Buffer.from('payloaD'))), /checksum does not match.*corrupted/],
    ])('refuses a Put with %s', async (_, requests, why) => {
      const error = await failure(wire.clientStream('Put', requests()));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toMatch(why);
      expect(error.details).toContain(peer.address);
      expect(peer.stats().objects).toBe(0);
      await expectStillServing();
    });

    // An object over the peer's size limit is refused from its header with RESOURCE_EXHAUSTED.
    it('refuses a Put over maxObjectBytes', async () => {
      const error = await failure(wire.clientStream('Put', [{ header: { codec: 'bytes', size: String(64 * 1024 * 1024 + 1) } }, { data: Buffer.from('a') }]));
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.details).toMatch(/67108865 bytes, over the limit of 67108864/);
      await expectStillServing();
    });

    // A single 5 MiB data message is over the 4 MiB message limit: grpc-js answers RESOURCE_EXHAUSTED.
    it('refuses a data message over the message size limit', async () => {
      const data = Buffer.alloc(5 * 1024 * 1024, 1);
      const error = await failure(wire.clientStream('Put', put('bytes', data)));
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.details).toMatch(/larger than max/);
      expect(peer.stats().objects).toBe(0);
      await expectStillServing();
    });

    // Get, Exists, Await and Evict without a key, or with a malformed one, get INVALID_ARGUMENT saying so.
    it.each(['Get', 'Exists', 'Await', 'Evict'])('refuses %s with a missing or malformed key', async (rpc) => {
      const call = (request: Message): Promise<unknown> => (rpc === 'Get' || rpc === 'Await' ? wire.serverStream(rpc, request) : wire.unary(rpc, request));
      const missing = await failure(call({}));
      expect(missing.code).toBe(status.INVALID_ARGUMENT);
      expect(missing.details).toMatch(/carries no key/);
      expect(missing.details).toContain(peer.address);

      const good = await stored('x');
      for (const [key, why] of [
        [{ ...good, peer: 'no-port' }, /port is missing/],
        [{ ...good, incarnation: 'XYZ' }, /incarnation must be 16 lowercase hex digits/],
        [{ ...good, id: '' }, /id must be 32 lowercase hex digits/],
        [{ peer: '', incarnation: '', id: '' }, /Invalid mesh key/],
      ] as const) {
        const malformed = await failure(call({ key }));
        expect(malformed.code).toBe(status.INVALID_ARGUMENT);
        expect(malformed.details).toMatch(why);
        expect(malformed.details).toContain(`sent to peer ${peer.address}`);
      }
      await expectStillServing();
    });

    // A key of another incarnation is DATA_LOSS, "lost: the owner restarted", on every RPC that takes a key.
    it('answers DATA_LOSS for a key of another incarnation', async () => {
      const good = await stored('x');
      const key = { ...good, incarnation: '0123456789abcdef' };
      const calls: [string, Promise<unknown>][] = [
        ['Get', wire.serverStream('Get', { key })],
        ['Exists', wire.unary('Exists', { key })],
        ['Evict', wire.unary('Evict', { key })],
        ['Await', wire.serverStream('Await', { key })],
        ['Set', wire.clientStream('Set', [{ header: { key, object: { codec: 'bytes', size: 1 } } }, { data: Buffer.from('a') }])],
      ];
      for (const [rpc, call] of calls) {
        const error = await failure(call);
        expect(error.code, rpc).toBe(status.DATA_LOSS);
        expect(error.details, rpc).toMatch(/lost: the owner restarted/);
        expect(error.details, rpc).toContain(key.id);
        expect(error.details, rpc).toContain(peer.incarnation);
      }
      await expectStillServing();
    });

    // Set without a header is INVALID_ARGUMENT; Set of an unknown key is NOT_FOUND, naming the key.
    it('refuses a Set without a header or for an unknown key', async () => {
      const noHeader = await failure(wire.clientStream('Set', [{ data: Buffer.from('a') }]));
      expect(noHeader.code).toBe(status.INVALID_ARGUMENT);
      expect(noHeader.details).toMatch(/must start with a header naming the key/);

      const empty = await failure(wire.clientStream('Set', []));
      expect(empty.code).toBe(status.INVALID_ARGUMENT);

      const headerWithoutObject = await failure(wire.clientStream('Set', [{ header: { key: (await wire.unary('NewKey', {})).key } }]));
      expect(headerWithoutObject.code).toBe(status.INVALID_ARGUMENT);

      const unknown = { ...(await stored('x')), id: 'f'.repeat(32) };
      const notFound = await failure(wire.clientStream('Set', [{ header: { key: unknown, object: { codec: 'bytes', size: 1 } } }, { data: Buffer.from('a') }]));
      expect(notFound.code).toBe(status.NOT_FOUND);
      expect(notFound.details).toMatch(/never created with newKey/);
      expect(notFound.details).toContain(unknown.id);
      await expectStillServing();
    });

    // A Set whose stream is malformed leaves the key pending, so a correct Set still succeeds.
    it('keeps a key settable after a bad Set', async () => {
      const { key, capability } = (await wire.unary('NewKey', {})) as { key: WireKey; capability: string };
      const header = { header: { key, object: { codec: 'utf8', size: 5 }, capability } };
      const truncated = await failure(wire.clientStream('Set', [header, { data: Buffer.from('ab') }]));
      expect(truncated.code).toBe(status.INVALID_ARGUMENT);
      const twoHeaders = await failure(wire.clientStream('Set', [header, header, { data: Buffer.from('hello') }]));
      expect(twoHeaders.code).toBe(status.INVALID_ARGUMENT);
      expect(twoHeaders.details).toMatch(/second header/);
      const corrupted = await failure(wire.clientStream('Set', [header, { data: Buffer.from('hello') }, { trailer: { crc32c: crc32c(Buffer.from('hellO')) } }]));
      expect(corrupted.code).toBe(status.INVALID_ARGUMENT);
      expect(corrupted.details).toMatch(/corrupted/);
      expect(peer.stats().pendingKeys).toBe(1);
      await wire.clientStream('Set', [header, { data: Buffer.from('hello') }]);
      expect(objectOf(await wire.serverStream('Get', { key })).data.toString()).toBe('hello');
    });

    // Get of a deferred key not set yet is NOT_FOUND, pointing to Await; Await of an unknown key is NOT_FOUND.
    it('answers NOT_FOUND for a pending or unknown key', async () => {
      const pending = (await wire.unary('NewKey', {})).key as WireKey;
      const error = await failure(wire.serverStream('Get', { key: pending }));
      expect(error.code).toBe(status.NOT_FOUND);
      expect(error.details).toMatch(/no value yet.*Use Await/);
      expect(error.details).toContain(pending.id);

      const unknown = { ...pending, id: 'e'.repeat(32) };
      const awaitUnknown = await failure(wire.serverStream('Await', { key: unknown }));
      expect(awaitUnknown.code).toBe(status.NOT_FOUND);
      expect(awaitUnknown.details).toContain(unknown.id);
      expect(await wire.unary('Exists', { key: unknown })).toEqual({ exists: false });
      await expectStillServing();
    });
  });
});

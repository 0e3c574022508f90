/**
 * Publish and Subscribe as a peer in another language sees them: a client built at run time from
 * `proto/proxymesh/v1/peer.proto` alone (as in mesh-contract.test.ts), against a real peer.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { load } from '@grpc/proto-loader';
import { Metadata, credentials, loadPackageDefinition, status, type Client, type ClientReadableStream, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { Peer, type PeerOptions } from '../../src/mesh/server/peer.js';
import { existingTopics } from '../../src/mesh/server/topic-table.js';

type Message = Record<string, unknown>;
type Service = ServiceClientConstructor & { service: Record<string, { path: string; requestSerialize: (m: Message) => Buffer; responseDeserialize: (b: Buffer) => Message }> };

async function loadService(): Promise<Service> {
  const definition = await load('proxymesh/v1/peer.proto', { includeDirs: [fileURLToPath(new URL('../../proto/', import.meta.url))], longs: String, defaults: true, oneofs: true });
  const v1 = (loadPackageDefinition(definition).proxymesh as Record<string, Record<string, unknown>>).v1;
  return v1?.PeerService as Service;
}

const opened: { peer: Peer; client: Client }[] = [];
afterEach(async () => {
  for (const { peer, client } of opened.splice(0)) {
    client.close();
    await peer.close();
  }
});

async function start(options: PeerOptions = {}): Promise<{ peer: Peer; publish: (request: Message, metadata?: Metadata) => Promise<Message>; subscribe: (request: Message, metadata?: Metadata) => ClientReadableStream<Message> }> {
  const Service = await loadService();
  const peer = await Peer.start({ sharedMemory: false, ...options });
  const client = new Service(peer.address, credentials.createInsecure());
  opened.push({ peer, client });
  const { Publish, Subscribe } = Service.service;
  return {
    peer,
    publish: (request, metadata = new Metadata()) =>
      new Promise((resolve, reject) => {
        client.makeUnaryRequest(Publish!.path, Publish!.requestSerialize, Publish!.responseDeserialize, request, metadata, (error: ServiceError | null, response?: Message) => (error ? reject(error) : resolve(response ?? {})));
      }),
    subscribe: (request, metadata = new Metadata()) => client.makeServerStreamRequest(Subscribe!.path, Subscribe!.requestSerialize, Subscribe!.responseDeserialize, request, metadata),
  };
}

/** The next `n` messages of a Subscribe stream. */
function take(call: ClientReadableStream<Message>, n: number): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    const got: Message[] = [];
    const onData = (m: Message): void => {
      got.push(m);
      if (got.length < n) return;
      call.off('data', onData);
      resolve(got);
    };
    call.on('data', onData);
    call.once('error', reject);
  });
}

/** The status a Subscribe stream ends with. */
const ended = (call: ClientReadableStream<Message>): Promise<ServiceError> => new Promise((resolve) => call.once('error', resolve));

const code = (promise: Promise<unknown>): Promise<number | undefined> => promise.then(() => undefined, (error: ServiceError) => error.code);

describe('the contract: Publish and Subscribe', () => {
  // Publish answers each event's sequence number; Subscribe streams them in order with their bytes.
  it('publishes and subscribes', async () => {
    const { publish, subscribe } = await start();
    expect(await publish({ topic: 'alpha', event: Buffer.from('one') })).toEqual({ sequence: '1' });
    expect(await publish({ topic: 'alpha', event: Buffer.from('two') })).toEqual({ sequence: '2' });
    const call = subscribe({ topic: 'alpha' });
    const messages = await take(call, 2);
    expect(messages.map((m) => [m.sequence, (m.event as Buffer).toString()])).toEqual([['1', 'one'], ['2', 'two']]);
    call.cancel();
  });

  // While the topic's buffer is full, Publish does not answer; a subscriber taking events lets it in.
  it('holds Publish back while the topic is full', async () => {
    const { peer, publish, subscribe } = await start({ topicEvents: 1 });
    await publish({ topic: 't', event: Buffer.from('first') });
    let answered = false;
    const second = publish({ topic: 't', event: Buffer.from('second') }).then((m) => ((answered = true), m));
    const topics = existingTopics(peer.state)!;
    await new Promise<void>((resolve) => {
      const stop = topics.observe(() => topics.stats('t').waitingPublishers === 1 && (stop(), resolve()));
    });
    expect(answered).toBe(false);
    const call = subscribe({ topic: 't' });
    expect((await take(call, 2)).map((m) => (m.event as Buffer).toString())).toEqual(['first', 'second']);
    expect(await second).toEqual({ sequence: '2' });
    call.cancel();
  });

  // Bad input and limits get the statuses the contract lists.
  it('answers INVALID_ARGUMENT and RESOURCE_EXHAUSTED', async () => {
    const { publish, subscribe } = await start({ maxObjectBytes: 16 });
    expect(await code(publish({ topic: '', event: Buffer.from('x') }))).toBe(status.INVALID_ARGUMENT);
    expect(await code(publish({ topic: 't'.repeat(257), event: Buffer.from('x') }))).toBe(status.INVALID_ARGUMENT);
    expect(await code(publish({ topic: 't', event: Buffer.alloc(17) }))).toBe(status.RESOURCE_EXHAUSTED);
    expect((await ended(subscribe({ topic: '' }))).code).toBe(status.INVALID_ARGUMENT);
  });

  // A peer with a token answers UNAUTHENTICATED to both RPCs without it.
  it('requires the token', async () => {
    const { publish, subscribe } = await start({ token: 'sesame' });
    expect(await code(publish({ topic: 't', event: Buffer.from('x') }))).toBe(status.UNAUTHENTICATED);
    expect((await ended(subscribe({ topic: 't' }))).code).toBe(status.UNAUTHENTICATED);
    const metadata = new Metadata();
    metadata.set('authorization', 'Bearer sesame');
    expect(await publish({ topic: 't', event: Buffer.from('x') }, metadata)).toEqual({ sequence: '1' });
  });

  // A peer that shuts down ends Subscribe with UNAVAILABLE.
  it('ends Subscribe with UNAVAILABLE when the peer stops', async () => {
    const { peer, subscribe } = await start();
    const call = subscribe({ topic: 't' });
    const topics = existingTopics(peer.state)!;
    await new Promise<void>((resolve) => {
      if (topics.stats('t').subscribers === 1) return resolve();
      const stop = topics.observe(() => topics.stats('t').subscribers === 1 && (stop(), resolve()));
    });
    const end = ended(call);
    await peer.close();
    expect((await end).code).toBe(status.UNAVAILABLE);
  });
});

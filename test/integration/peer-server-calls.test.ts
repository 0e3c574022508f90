/**
 * The peer's server side on bare grpc-js (grpc-handlers.ts): a response stream that the client
 * stops reading or cancels, a request stream cancelled or refused halfway, and several calls at
 * once on one connection. A real peer on loopback and a raw grpc-js client, so the test controls
 * each message and each cancel.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, credentials, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { GetRequest, GetResponse, PutRequest, PutResponse } from '../../gen/proxymesh/v1/peer.js';
import { Peer } from '../../src/index.js';
import { TRANSFER_CHANNEL_OPTIONS } from '../../src/mesh/channel-options.js';
import { ClientPool } from '../../src/mesh/client/client-pool.js';
import { formatKey, type MeshKey } from '../../src/mesh/key.js';
import { patternBytes } from '../helpers/data.js';

const settings = { timeoutMs: 5_000, transferTimeoutMs: 60_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 30 };
const GET = '/proxymesh.v1.PeerService/Get';
const PUT = '/proxymesh.v1.PeerService/Put';
const encodeGet = (request: GetRequest): Buffer => Buffer.from(GetRequest.encode(request).finish());
const encodePut = (request: PutRequest): Buffer => Buffer.from(PutRequest.encode(request).finish());
const identity = (bytes: Buffer): Buffer => bytes;

describe('peer server calls', () => {
  let peer: Peer;
  let pool: ClientPool;
  let raw: Client;
  beforeEach(async () => {
    peer = await Peer.start();
    pool = new ClientPool(settings);
    raw = new Client(peer.address, credentials.createInsecure(), TRANSFER_CHANNEL_OPTIONS);
  });
  afterEach(async () => {
    raw.close();
    pool.close();
    await peer.close();
  });

  /** Stores `data` through the regular client. */
  const stored = async (data: Buffer): Promise<MeshKey> => pool.client(peer.address).put({ codec: 'bytes', data });

  // A client that cancels a 32 MiB get after its first piece gets CANCELLED; the peer keeps the object and serves it whole to the next get.
  it('stops a response stream the client cancels', async () => {
    const data = patternBytes(32 << 20, 'cancelled get');
    const key = await stored(data);
    const call = raw.makeServerStreamRequest(GET, encodeGet, identity, { key, acceptFile: false });
    const ended = new Promise<StatusObject>((resolve) => call.on('status', resolve));
    call.on('error', () => undefined);
    await new Promise<void>((resolve) => call.once('data', () => resolve()));
    call.cancel();
    expect((await ended).code).toBe(status.CANCELLED);
    expect(peer.stats().objects).toBe(1);
    expect(Buffer.from((await pool.client(peer.address).get(key))?.data ?? []).equals(data)).toBe(true);
  });

  // 48 MiB is more than the 16 MiB HTTP/2 window plus the 16 pieces grpc-js buffers, so the peer must wait for 'drain' on the way; every byte arrives, in order.
  it('waits for the reader to drain and delivers everything in order', async () => {
    const data = patternBytes(48 << 20, 'paused reader');
    const key = await stored(data);
    const call = raw.makeServerStreamRequest(GET, encodeGet, (bytes: Buffer) => GetResponse.decode(bytes), { key, acceptFile: false });
    const received: Buffer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on('end', resolve);
      call.on('error', reject);
    });
    call.on('data', (message: GetResponse) => {
      if (message.part?.$case === 'data') received.push(Buffer.from(message.part.value));
    });
    await ended;
    expect(Buffer.concat(received).equals(data)).toBe(true);
  });

  // A put cancelled after its header and first piece stores nothing; the same connection then stores a whole object.
  it('drops a request stream the client cancels', async () => {
    const piece = patternBytes(1 << 20, 'half a put');
    const result = new Promise<ServiceError | null>((resolve) => {
      const call = raw.makeClientStreamRequest(PUT, encodePut, identity, (error) => resolve(error));
      call.write({ part: { $case: 'header', value: { codec: 'bytes', size: BigInt(4 << 20) } } });
      call.write({ part: { $case: 'data', value: piece } }, () => call.cancel());
    });
    expect((await result)?.code).toBe(status.CANCELLED);
    const key = await stored(Buffer.from('after the cancelled put'));
    expect(peer.stats().objects).toBe(1);
    expect(Buffer.from((await pool.client(peer.address).get(key))?.data ?? []).toString()).toBe('after the cancelled put');
  });

  // A request stream refused at its second message (a size over the announced one) gets INVALID_ARGUMENT with the peer's sentence; nothing is stored.
  it('refuses a request stream at its first bad message', async () => {
    const error = await new Promise<ServiceError | null>((resolve) => {
      const call = raw.makeClientStreamRequest(PUT, encodePut, (bytes: Buffer) => PutResponse.decode(bytes), (e) => resolve(e));
      call.write({ part: { $case: 'header', value: { codec: 'bytes', size: 3n } } });
      call.write({ part: { $case: 'data', value: Buffer.from('four') } });
      call.write({ part: { $case: 'data', value: Buffer.from('more') } });
      call.end();
    });
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/more data arrived than the 3 bytes its header announced/);
    expect(peer.stats().objects).toBe(0);
  });

  // Large gets of different objects at once interleave their pieces on one connection; every object arrives intact
  // (the peer encodes pieces into one reused buffer, relying on grpc-js copying each before the next: this would catch it).
  it('keeps concurrent large gets apart', async () => {
    const client = pool.client(peer.address);
    const values = Array.from({ length: 4 }, (_, i) => patternBytes((6 << 20) + i, `large ${i}`));
    const keys = await Promise.all(values.map((data) => client.put({ codec: 'bytes', data })));
    for (let round = 0; round < 2; round++) {
      const got = await Promise.all(keys.map((key) => client.get(key)));
      got.forEach((payload, i) => expect(Buffer.from(payload?.data ?? []).equals(values[i] ?? Buffer.alloc(0))).toBe(true));
    }
  });

  // Batches of different objects at once, alongside a large get, interleave their ~1 MiB messages on one connection;
  // every value arrives intact (GetBatch answers are encoded into the same reused buffer as Get's pieces).
  it('keeps concurrent batches apart', async () => {
    const batch = pool.batch(peer.address);
    const batches = Array.from({ length: 3 }, (_, b) => Array.from({ length: 400 }, (_, i) => patternBytes(4096 + i, `batch ${b} object ${i}`)));
    const keys = await Promise.all(batches.map((values) => batch.putBatch(values.map((data) => ({ codec: 'bytes', data })))));
    const large = patternBytes(3 << 20, 'large');
    const largeKey = await pool.client(peer.address).put({ codec: 'bytes', data: large });
    for (let round = 0; round < 2; round++) {
      const [got, largeGot] = await Promise.all([Promise.all(keys.map((k) => batch.getBatch(k))), pool.client(peer.address).get(largeKey)]);
      got.forEach((values, b) => values.forEach((payload, i) => expect(Buffer.from(payload?.data ?? []).equals(batches[b]?.[i] ?? Buffer.alloc(0))).toBe(true)));
      expect(Buffer.from(largeGot?.data ?? []).equals(large)).toBe(true);
    }
  });

  // 64 small gets and puts at once on one connection all answer correctly: answers never cross between calls.
  it('keeps concurrent calls apart', async () => {
    const client = pool.client(peer.address);
    const values = Array.from({ length: 64 }, (_, i) => Buffer.from(`value ${i}`));
    const keys = await Promise.all(values.map((data) => client.put({ codec: 'bytes', data })));
    const got = await Promise.all(keys.map((key) => client.get(key)));
    expect(got.map((p) => Buffer.from(p?.data ?? []).toString())).toEqual(values.map((v) => v.toString()));
    expect(new Set(keys.map(formatKey)).size).toBe(64);
  });
});

/**
 * The peer client's call plumbing on bare grpc-js: deadlines, cancellation by signal, and a
 * receiver that refuses an object mid-stream; a real peer on loopback. Each test also checks
 * that the peer let go of the call (its waiter count) and still serves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Peer } from '../../src/index.js';
import { DataCorruptedError, DeadlineExceededError, LimitExceededError, PermissionDeniedError } from '../../src/errors.js';
import { openOffloadedChecks } from '../../src/mesh/wire/crc-offload.js';
import { OFFLOAD_BYTES } from '../../src/mesh/wire/object-receiver.js';
import { ClientPool } from '../../src/mesh/client/client-pool.js';
import { formatKey } from '../../src/mesh/key.js';
import { patternBytes } from '../helpers/data.js';
import { waitFor } from '../helpers/wait-for.js';
import { Server, ServerCredentials, status, type ServerWritableStream } from '@grpc/grpc-js';
import { PeerServiceDefinition, type GetResponse } from '../../gen/proxymesh/v1/peer.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { grpcDefinition } from '../../src/mesh/server/grpc-handlers.js';

const settings = { timeoutMs: 5_000, transferTimeoutMs: 60_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 30 };

describe('PeerClient calls', () => {
  let peer: Peer;
  let pool: ClientPool;
  beforeEach(async () => {
    peer = await Peer.start();
    pool = new ClientPool(settings);
  });
  afterEach(async () => {
    pool.close();
    await peer.close();
  });

  const waiters = (): number => peer.stats().waiters;

  // A deadline ends the call with DeadlineExceededError naming the key, the peer and the time, and frees the peer's waiter.
  it('ends a call at its deadline', async () => {
    const client = pool.client(peer.address);
    const { key } = await client.newKey();
    const error = await client.await(key, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain(formatKey(key));
    expect((error as Error).message).toMatch(new RegExp(`on peer ${peer.address} did not finish within 50 ms`));
    await waitFor(() => waiters() === 0, 'the peer dropped the waiter');
  });

  // A signal fired mid-call rejects with its reason; one fired before the call never reaches the peer.
  it('cancels by signal', async () => {
    const client = pool.client(peer.address);
    const { key } = await client.newKey();
    const controller = new AbortController();
    const waiting = client.await(key, { signal: controller.signal });
    await waitFor(() => waiters() === 1, 'the Await is registered');
    const reason = new Error('the consumer gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await waitFor(() => waiters() === 0, 'the peer dropped the waiter');
    const early = new Error('too late');
    await expect(client.get(key, { signal: AbortSignal.abort(early) })).rejects.toBe(early);
    await expect(client.put({ codec: 'bytes', data: patternBytes(3 << 20, 'never') }, { signal: AbortSignal.abort(early) })).rejects.toBe(early);
    expect(peer.stats().objects).toBe(0);
  });

  // An object over the client's limit is refused from its header and the stream cancelled; the peer keeps serving.
  it('refuses an oversized object mid-stream', async () => {
    const data = patternBytes(3 << 20, 'large');
    const key = await pool.client(peer.address).put({ codec: 'bytes', data });
    const small = new ClientPool({ ...settings, maxObjectBytes: 1 << 20 });
    try {
      await expect(small.client(peer.address).get(key)).rejects.toBeInstanceOf(LimitExceededError);
      expect(Buffer.from((await pool.client(peer.address).get(key))?.data ?? []).equals(data)).toBe(true);
    } finally {
      small.close();
    }
  });

  // A streamed set (several pieces) and a whole one land intact; a status from the peer maps to its named error.
  it('sets in pieces and whole, and maps refusals', async () => {
    const client = pool.client(peer.address);
    for (const data of [patternBytes((2 << 20) + 3, 'pieces'), Buffer.from('whole')]) {
      const { key, capability } = await client.newKey();
      await client.set(key, { codec: 'bytes', data }, { capability });
      expect(Buffer.from((await client.get(key))?.data ?? []).equals(data)).toBe(true);
    }
    const { key } = await client.newKey();
    await expect(client.set(key, { codec: 'bytes', data: Buffer.from('x') }, { capability: 'wrong' })).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  // A large object's checksum is computed on the worker thread (a check is open there while it arrives): a right one
  // delivers the object, a wrong one is DataCorruptedError, and a stream that fails halfway leaves nothing open.
  it('checks a large object off the thread', async () => {
    const data = patternBytes(OFFLOAD_BYTES + 123_457, 'offloaded');
    const pieces = [0, 1 << 20, 2 << 20, 3 << 20, 4 << 20].map((start, i, all) => data.subarray(start, all[i + 1] ?? data.byteLength));
    const server = new Server();
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const stream = (call: ServerWritableStream<unknown, GetResponse>, trailer: number | 'fail'): void => {
      call.write({ part: { $case: 'header', value: { codec: 'bytes', size: BigInt(data.byteLength) } } });
      for (const piece of trailer === 'fail' ? pieces.slice(0, 2) : pieces) call.write({ part: { $case: 'data', value: piece } });
      if (trailer === 'fail') {
        void released.then(() => call.emit('error', { code: status.UNAVAILABLE, details: 'the server gave up' }));
        return;
      }
      call.write({ part: { $case: 'trailer', value: { crc32c: trailer } } });
      call.end();
    };
    server.addService(grpcDefinition(PeerServiceDefinition), {
      get: (call: ServerWritableStream<{ key: { id: string } }, GetResponse>) => stream(call, call.request.key.id === 'fail' ? 'fail' : call.request.key.id === 'right' ? crc32c(data) : crc32c(data) ^ 1),
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    try {
      const client = pool.client(`127.0.0.1:${port}`);
      const key = (id: string) => ({ peer: `127.0.0.1:${port}`, incarnation: '0123456789abcdef', id });
      // The failing stream is held open after its first pieces; a whole get behind it on the same connection
      // finishes after those pieces arrived, so the held object's check is then open on the worker.
      const failing = client.get(key('fail'));
      expect(Buffer.from((await client.get(key('right')))?.data ?? []).equals(data)).toBe(true);
      expect(openOffloadedChecks()).toBe(1);
      release();
      await expect(failing).rejects.toThrow(/the server gave up/);
      expect(openOffloadedChecks()).toBe(0);
      await expect(client.get(key('wrong'))).rejects.toThrow(DataCorruptedError);
      await expect(client.get(key('wrong'))).rejects.toThrow(/checksum does not match/);
      expect(openOffloadedChecks()).toBe(0);
      // The real peer's large objects go the same way.
      const stored = await pool.client(peer.address).put({ codec: 'bytes', data });
      expect(Buffer.from((await pool.client(peer.address).get(stored))?.data ?? []).equals(data)).toBe(true);
      expect(openOffloadedChecks()).toBe(0);
    } finally {
      server.forceShutdown();
    }
  });

  // A get or an await resolves once the object is complete (whole, or its trailer arrived), without waiting for the
  // status after it: a server that sends the object and then holds its status back still hands the value over.
  it('resolves when the object is complete, before the status', async () => {
    const server = new Server();
    let held: (() => void) | undefined;
    const reply = (call: ServerWritableStream<unknown, GetResponse>, part: GetResponse['part']): void => {
      call.write({ part });
      held = () => call.end();
    };
    const whole = { $case: 'whole' as const, value: { codec: 'utf8', data: Buffer.from('early'), crc32c: crc32c(Buffer.from('early')) } };
    const pieces = Buffer.from('in pieces');
    server.addService(grpcDefinition(PeerServiceDefinition), {
      get: (call: ServerWritableStream<unknown, GetResponse>) => reply(call, whole),
      await: (call: ServerWritableStream<unknown, GetResponse>) => {
        call.write({ part: { $case: 'header', value: { codec: 'bytes', size: BigInt(pieces.byteLength) } } });
        call.write({ part: { $case: 'data', value: pieces } });
        reply(call, { $case: 'trailer', value: { crc32c: crc32c(pieces) } });
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    try {
      const client = pool.client(`127.0.0.1:${port}`);
      const key = { peer: `127.0.0.1:${port}`, incarnation: '0123456789abcdef', id: 'held' };
      expect(Buffer.from((await client.get(key))?.data ?? []).toString()).toBe('early');
      held?.();
      expect(Buffer.from((await client.await(key)).data).toString()).toBe('in pieces');
      held?.();
    } finally {
      server.forceShutdown();
    }
  });
});

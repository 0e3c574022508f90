/**
 * Several real peers on loopback in this process, and MeshConnectors attached to them.
 *
 * A key owned by a peer of this process is served from that peer's memory, whatever connector
 * is used. To test the gRPC path a foreign process takes, `startRemotePeer` unregisters a peer
 * from this process's local routing: connectors then reach it only over gRPC, and spies on
 * `PeerClient` show which peer each call went to.
 */
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelCredentials, createChannel, createClient, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { MeshConnector } from '../../src/connectors/mesh.js';
import type { Payload } from '../../src/core/protocol.js';
import { DeadlineExceededError, KeyLostError, PeerUnavailableError } from '../../src/errors.js';
import { parseAddress } from '../../src/mesh/address.js';
import { formatKey, type MeshKey } from '../../src/mesh/key.js';
import { removeLocalPeer } from '../../src/mesh/server/local-peers.js';
import { Peer, type PeerOptions } from '../../src/mesh/server/peer.js';
import { PeerClient } from '../../src/mesh/client/peer-client.js';
import { PeerServiceDefinition, type GetResponse } from '../../gen/proxymesh/v1/peer.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { peerStats } from '../helpers/peer-stats.js';
import { waitFor } from '../helpers/wait-for.js';

const peers: Peer[] = [];
const connectors: MeshConnector[] = [];
const channels: Channel[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  channels.splice(0).forEach((c) => c.close());
  await Promise.all(connectors.splice(0).map((c) => c.close()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

/** A peer on loopback, closed after the test. */
async function startPeer(options: PeerOptions = {}): Promise<Peer> {
  const peer = await Peer.start({ listen: '127.0.0.1:0', ...options });
  peers.push(peer);
  return peer;
}

/** A peer that connectors of this process reach over gRPC only, as another process would. */
async function startRemotePeer(options: PeerOptions = {}): Promise<Peer> {
  const peer = await startPeer(options);
  removeLocalPeer(peer.incarnation);
  return peer;
}

/** A connector attached to `address` (what it puts, that peer owns), closed after the test. */
function attach(address: string): MeshConnector {
  const connector = new MeshConnector({ peer: address });
  connectors.push(connector);
  return connector;
}

const utf8 = (text: string): Payload => ({ codec: 'utf8', data: Buffer.from(text) });
const text = (payload: Payload | undefined): string | undefined => (payload === undefined ? undefined : Buffer.from(payload.data).toString('utf8'));

/** What a promise rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error as Error,
  );
}

/** The peer address each call of a spied PeerClient method went to. */
function targets(spy: { mock: { contexts: unknown[] } }): string[] {
  return spy.mock.contexts.map((c) => (c as PeerClient).address);
}

/** A port nothing listens on: the port of a peer that was started and closed. */
async function deadAddress(): Promise<{ address: string; key: MeshKey }> {
  const peer = await startPeer();
  const key = await attach(peer.address).put(utf8('gone'));
  await peer.close();
  return { address: peer.address, key };
}

describe('routing', () => {
  // Over gRPC, every operation goes to the key's owner, whichever peer the connector is attached to.
  it('sends each key to its owner from any connector', async () => {
    const [p1, p2, p3] = [await startRemotePeer(), await startRemotePeer(), await startRemotePeer()];
    const [c1, c2, c3] = [attach(p1.address), attach(p2.address), attach(p3.address)];
    const get = vi.spyOn(PeerClient.prototype, 'get');
    const exists = vi.spyOn(PeerClient.prototype, 'exists');
    const evict = vi.spyOn(PeerClient.prototype, 'evict');
    const set = vi.spyOn(PeerClient.prototype, 'set');

    const key = await c1.put(utf8('owned by P1'));
    expect(key.peer).toBe(p1.address);
    expect(text(await c2.get(key))).toBe('owned by P1');
    expect(await c3.exists(key)).toBe(true);
    expect(targets(get)).toEqual([p1.address]);
    expect(targets(exists)).toEqual([p1.address]);
    expect([p1.stats().objects, p2.stats().objects, p3.stats().objects]).toEqual([1, 0, 0]);

    await c2.evict(key);
    expect(targets(evict)).toEqual([p1.address]);
    expect(p1.stats().objects).toBe(0);
    expect(await c3.get(key)).toBeUndefined();

    // A deferred key made through C2 is owned by P2 and set there from C3, with C2's capability.
    const deferred = await c2.newKey();
    expect(deferred.peer).toBe(p2.address);
    expect(p2.stats().pendingKeys).toBe(1);
    await c3.set(deferred, utf8('set from C3'), { capability: c2.capabilityFor(deferred) });
    expect(targets(set)).toEqual([p2.address]);
    expect(p2.stats()).toMatchObject({ objects: 1, pendingKeys: 0 });
    expect(text(await c1.get(deferred))).toBe('set from C3');
  });

  // Keys owned by a peer of this process are served from its memory: no gRPC call, same owner.
  it('serves keys of in-process peers from memory', async () => {
    const [p1, p2] = [await startPeer(), await startPeer()];
    const [c1, c2] = [attach(p1.address), attach(p2.address)];
    const get = vi.spyOn(PeerClient.prototype, 'get');
    const key = await c1.put(utf8('local'));
    expect(text(await c2.get(key))).toBe('local');
    expect(await c2.exists(key)).toBe(true);
    expect(get).not.toHaveBeenCalled();
    expect([p1.stats().objects, p2.stats().objects]).toEqual([1, 0]);
    await c2.evict(key);
    expect(p1.stats().objects).toBe(0);
  });

  // A key that went through JSON text (as between processes) is as good as the original.
  it('accepts keys revived from JSON', async () => {
    const owner = await startRemotePeer();
    const key = await attach(owner.address).put(utf8('json'));
    const revived = JSON.parse(JSON.stringify(key)) as MeshKey;
    expect(text(await attach((await startRemotePeer()).address).get(revived))).toBe('json');
  });
});

describe('failures', () => {
  // A waiter on a peer that shuts down learns it at once, with the key named.
  it('ends a pending remote awaitKey with PeerUnavailableError when the owner closes', async () => {
    const owner = await startRemotePeer();
    const key = await attach(owner.address).newKey();
    const waiting = rejection(attach((await startRemotePeer()).address).awaitKey(key));
    await waitFor(() => owner.stats().waiters === 1, 'the owner has the waiter');
    await owner.close();
    const error = await waiting;
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect(error.message).toContain(formatKey(key));
    expect(error.message).toContain(owner.address);
  });

  // Keys of an earlier incarnation are answered "lost: the owner restarted", never a silent miss.
  it('fails keys of a restarted peer with KeyLostError', async () => {
    const first = await startPeer();
    const connector = attach(first.address);
    const stored = await connector.put(utf8('before restart'));
    const deferred = await connector.newKey();
    await first.close();
    const second = await startPeer({ listen: `127.0.0.1:${parseAddress(first.address).port}` });
    expect(second.address).toBe(first.address);
    expect(second.incarnation).not.toBe(first.incarnation);

    // Each failure is caught as soon as it happens (they settle in any order).
    const calls: [string, Promise<Error>][] = [
      ['get', rejection(connector.get(stored))],
      ['exists', rejection(connector.exists(stored))],
      ['evict', rejection(connector.evict(stored))],
      ['set', rejection(connector.set(deferred, utf8('too late')))],
      ['awaitKey', rejection(connector.awaitKey(deferred))],
    ];
    for (const [operation, failure] of calls) {
      const error = await failure;
      expect(error, operation).toBeInstanceOf(KeyLostError);
      expect(error.message, operation).toMatch(/lost: the owner restarted/);
      expect(error.message, operation).toContain(first.incarnation);
    }
    // The new incarnation serves new keys normally.
    const fresh = await connector.put(utf8('after restart'));
    expect(fresh.incarnation).toBe(second.incarnation);
    expect(text(await connector.get(fresh))).toBe('after restart');
  });

  // An owner that is not running fails calls quickly with the key and the address named.
  it('fails calls to an unreachable owner with PeerUnavailableError', async () => {
    const { address, key } = await deadAddress();
    // One connector that was connected to the owner, one that never was.
    for (const connector of [attach(address), attach((await startRemotePeer()).address)]) {
      // Each call's rejection is taken at once: they fail in any order.
      for (const error of await Promise.all([connector.get(key), connector.exists(key), connector.awaitKey(key)].map(rejection))) {
        expect(error).toBeInstanceOf(PeerUnavailableError);
        expect(error.message).toContain(formatKey(key));
        expect(error.message).toContain(address);
      }
    }
    // Putting through a connector attached to the dead peer fails the same way.
    const put = await rejection(attach(address).put(utf8('nowhere')));
    expect(put).toBeInstanceOf(PeerUnavailableError);
    expect(put.message).toContain(address);
  });

  // A remote wait with a deadline ends with DeadlineExceededError naming the key, and frees the owner.
  it('ends a remote awaitKey at its timeoutMs', async () => {
    const owner = await startRemotePeer();
    const key = await attach(owner.address).newKey();
    const error = await rejection(attach((await startRemotePeer()).address).awaitKey(key, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toContain(formatKey(key));
    await waitFor(() => owner.stats().waiters === 0, 'the owner has dropped the timed-out waiter');
    expect(owner.stats().pendingKeys).toBe(1);
  });

  // A caller's AbortSignal ends a remote await and a remote get with the signal's own reason.
  it('aborts remote calls with the signal reason', async () => {
    const owner = await startRemotePeer();
    const producer = attach(owner.address);
    const reader = attach((await startRemotePeer()).address);

    const deferred = await producer.newKey();
    const controller = new AbortController();
    const waiting = rejection(reader.awaitKey(deferred, { signal: controller.signal }));
    await waitFor(() => owner.stats().waiters === 1, 'the owner has the waiter');
    const reason = new Error('the consumer gave up');
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    await waitFor(() => owner.stats().waiters === 0, 'the owner has dropped the aborted waiter');

    const big = await producer.put({ codec: 'bytes', data: patternBytes(8 << 20, 'abort') });
    const getController = new AbortController();
    const getting = rejection(reader.get(big, { signal: getController.signal }));
    const getReason = new Error('no longer needed');
    getController.abort(getReason);
    expect(await getting).toBe(getReason);
    // The peer is unharmed and the key still readable.
    expect((await reader.get(big))?.data.byteLength).toBe(8 << 20);
  });
});

describe('addresses', () => {
  // A peer listening on 127.0.0.1 but advertising "localhost" writes localhost:<port> into keys, and they work.
  it('advertises a host name', async () => {
    const owner = await startRemotePeer({ advertise: 'localhost' });
    const port = parseAddress(owner.address).port;
    expect(owner.address).toBe(`localhost:${port}`);
    const key = await attach(owner.address).put(utf8('via localhost'));
    expect(key.peer).toBe(`localhost:${port}`);
    const get = vi.spyOn(PeerClient.prototype, 'get');
    expect(text(await attach((await startRemotePeer()).address).get(key))).toBe('via localhost');
    expect(targets(get)).toEqual([`localhost:${port}`]);
  });

  // A peer on IPv6 loopback has a bracketed address and serves over gRPC. This machine must have ::1.
  it('works on [::1]', async () => {
    const hasV6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6' && i.address === '::1'));
    if (!hasV6Loopback) throw new Error('This machine has no ::1 interface, so the IPv6 peer test cannot run; enable IPv6 loopback.');
    const owner = await startRemotePeer({ listen: '[::1]:0' });
    expect(owner.address).toMatch(/^\[::1\]:\d+$/);
    const key = await attach(owner.address).put(utf8('over IPv6'));
    expect(key.peer).toBe(owner.address);
    expect(formatKey(key)).toMatch(/^pm:\/\/\[::1\]:\d+\//);
    expect(text(await attach((await startRemotePeer()).address).get(key))).toBe('over IPv6');
  });
});

describe('service', () => {
  // The standard gRPC health service answers SERVING, and the peer service works beside it.
  it('answers the health check with SERVING', async () => {
    const peer = await startPeer();
    const channel = createChannel(peer.address, ChannelCredentials.createInsecure());
    channels.push(channel);
    const health = createClient(HealthDefinition, channel);
    // grpc.health.v1.HealthCheckResponse.ServingStatus: SERVING = 1.
    expect((await health.check({ service: '' })).status).toBe(1);
    const key = await attach(peer.address).put(utf8('still serving'));
    expect((await health.check({ service: '' })).status).toBe(1);
    expect(peer.stats().objects).toBe(1);
    expect(key.peer).toBe(peer.address);
  });

  // A 5 MiB object crosses the wire as a header, at least five data messages of at most 1 MiB, and a trailer.
  it('chunks a large object on the wire', async () => {
    const peer = await startPeer();
    const data = patternBytes(5 * 1024 * 1024, 'wire');
    const key = await attach(peer.address).put({ codec: 'bytes', data });
    const channel = createChannel(peer.address, ChannelCredentials.createInsecure());
    channels.push(channel);
    const messages: GetResponse[] = [];
    for await (const message of createClient(PeerServiceDefinition, channel).get({ key })) messages.push(message);

    const cases = messages.map((m) => m.part?.$case);
    expect(cases[0]).toBe('header');
    expect(cases.at(-1)).toBe('trailer');
    const pieces = messages.flatMap((m) => (m.part?.$case === 'data' ? [m.part.value] : []));
    expect(pieces.length).toBe(cases.length - 2);
    expect(pieces.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...pieces.map((p) => p.byteLength))).toBeLessThanOrEqual(1024 * 1024);
    expect(sha256(Buffer.concat(pieces))).toBe(sha256(data));
    expect(messages[0]?.part).toEqual({ $case: 'header', value: { codec: 'bytes', size: BigInt(data.byteLength) } });
  });

  // stats() follows objects, bytes, pending keys and waiters through put, newKey, await, set and evict.
  it('counts what the peer holds', async () => {
    const owner = await startRemotePeer();
    const connector = attach(owner.address);
    const reader = attach((await startRemotePeer()).address);
    // A second reader: waits through one connector share one stream, so it takes two to count two.
    const otherReader = attach((await startRemotePeer()).address);
    expect(owner.stats()).toEqual({ objects: 0, bytes: 0, pendingKeys: 0, waiters: 0 });

    const stored = await connector.put({ codec: 'bytes', data: new Uint8Array(100) });
    expect(owner.stats()).toEqual({ objects: 1, bytes: 100, pendingKeys: 0, waiters: 0 });

    const deferred = await connector.newKey();
    expect(owner.stats()).toEqual({ objects: 1, bytes: 100, pendingKeys: 1, waiters: 0 });

    const waits = [reader.awaitKey(deferred), otherReader.awaitKey(deferred)];
    await waitFor(() => owner.stats().waiters === 2, 'both waiters are registered');
    expect(owner.stats()).toEqual({ objects: 1, bytes: 100, pendingKeys: 1, waiters: 2 });
    // The Stats RPC reports the same counters to operators.
    expect(await peerStats(owner.address)).toMatchObject({ objects: 1, bytes: 100, pendingKeys: 1, waiters: 2, incarnation: owner.incarnation });

    await connector.set(deferred, { codec: 'bytes', data: new Uint8Array(50) });
    expect((await Promise.all(waits)).map((p) => p.data.byteLength)).toEqual([50, 50]);
    await waitFor(() => owner.stats().waiters === 0, 'the waiters have finished');
    expect(owner.stats()).toEqual({ objects: 2, bytes: 150, pendingKeys: 0, waiters: 0 });

    await reader.evict(stored);
    expect(owner.stats()).toEqual({ objects: 1, bytes: 50, pendingKeys: 0, waiters: 0 });
    await reader.evict(deferred);
    const pending = await connector.newKey();
    await reader.evict(pending);
    expect(owner.stats()).toEqual({ objects: 0, bytes: 0, pendingKeys: 0, waiters: 0 });
  });
});

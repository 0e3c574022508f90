/**
 * Shared waits in one process, with real peers on loopback: which waits share an owner-side
 * wait (one connector, one key) and which do not (another connector, another key), and what the
 * waiters receive. The cross-process behaviour is in test/multiprocess/shared-awaits.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import type { Payload } from '../../src/core/protocol.js';
import { removeLocalPeer } from '../../src/mesh/server/local-peers.js';
import { Peer } from '../../src/mesh/server/peer.js';
import { peerStats } from '../helpers/peer-stats.js';
import { waitFor } from '../helpers/wait-for.js';

const peers: Peer[] = [];
const connectors: MeshConnector[] = [];

afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.close()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

/** A peer that this process reaches over gRPC only, as another process would. */
async function remotePeer(): Promise<Peer> {
  const peer = await Peer.start({ listen: '127.0.0.1:0' });
  peers.push(peer);
  removeLocalPeer(peer.incarnation);
  return peer;
}

function connector(options: ConstructorParameters<typeof MeshConnector>[0] = {}): MeshConnector {
  const c = new MeshConnector(options);
  connectors.push(c);
  return c;
}

const utf8 = (text: string): Payload => ({ codec: 'utf8', data: Buffer.from(text) });

describe('shared waits', () => {
  // Proves: waits through one connector on one key are one wait on the owner and receive one shared payload; another key or another connector has its own.
  it('shares per connector and key, and hands every waiter the same payload', async () => {
    const owner = await remotePeer();
    const producer = connector({ peer: owner.address });
    const [k1, k2] = [await producer.newKey(), await producer.newKey()];
    const reader = connector({ peer: owner.address });
    const otherReader = connector({ peer: owner.address });

    const onK1 = Array.from({ length: 10 }, () => reader.awaitKey(k1));
    const onK2 = reader.awaitKey(k2);
    const elsewhere = otherReader.awaitKey(k1);
    // One stream for reader on k1, one for reader on k2, one for the other reader on k1.
    await waitFor(() => owner.stats().waiters === 3, 'three streams are registered');
    expect(owner.stats().waiters).toBe(3);

    await producer.set(k1, utf8('one'));
    await producer.set(k2, utf8('two'));
    const got = await Promise.all(onK1);
    expect(got.every((p) => p === got[0])).toBe(true);
    expect(Buffer.from(got[0]!.data).toString()).toBe('one');
    expect(Buffer.from((await onK2).data).toString()).toBe('two');
    expect(Buffer.from((await elsewhere).data).toString()).toBe('one');
    expect(owner.stats().waiters).toBe(0);
  });

  // Proves: a wait whose signal has already fired rejects with its reason and opens no stream; a deadline on one waiter does not end the shared wait.
  it('keeps each waiter’s signal and deadline its own', async () => {
    const owner = await remotePeer();
    const producer = connector({ peer: owner.address });
    const key = await producer.newKey();
    const reader = connector({ peer: owner.address });

    const reason = new Error('never mind');
    await expect(reader.awaitKey(key, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect((await peerStats(owner.address)).waiters).toBe(0);

    const patient = reader.awaitKey(key);
    await expect(reader.awaitKey(key, { timeoutMs: 50 })).rejects.toMatchObject({ name: 'DeadlineExceededError' });
    await waitFor(() => owner.stats().waiters === 1, 'the patient waiter’s stream is registered');
    await producer.set(key, utf8('worth the wait'));
    expect(Buffer.from((await patient).data).toString()).toBe('worth the wait');
  });

  // Proves: waits on a key owned by this process's own embedded peer (on its worker thread) are shared too: one wait on the peer.
  it('shares waits on a key of this process’s own peer', async () => {
    const embedded = connector();
    const key = await embedded.newKey();
    const waits = Array.from({ length: 10 }, () => embedded.awaitKey(key));
    await waitFor(async () => (await embedded.stats()).waiters === 1, 'the embedded peer has the shared wait');
    expect((await embedded.stats()).waiters).toBe(1);
    await embedded.set(key, utf8('at home'));
    for (const p of await Promise.all(waits)) expect(Buffer.from(p.data).toString()).toBe('at home');
  });
});

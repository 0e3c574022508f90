/**
 * A MeshConnector call on a key of this process (served by a peer in this process, not over
 * gRPC) honours its CallOptions as a remote call does: `timeoutMs` ends it with
 * DeadlineExceededError in PeerClient's words, and a fired `signal` ends it with its reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { DeadlineExceededError } from '../../src/errors.js';
import { addLocalPeer, removeLocalPeer, type LocalPeer } from '../../src/mesh/server/local-peers.js';
import type { MeshKey } from '../../src/mesh/key.js';
import { settlesWithin } from '../helpers/hang.js';

const payload = { codec: 'utf8', data: Buffer.from('local') };
const never = (): Promise<never> => new Promise<never>(() => undefined);

/** A peer of this process that never answers: only the caller's options can end a call on it. */
function stalledPeer(incarnation: string): LocalPeer {
  return {
    address: '127.0.0.1:9',
    incarnation,
    put: never,
    get: never,
    putBatch: never,
    getBatch: never,
    exists: never,
    evict: never,
    newKey: never,
    set: never,
    replace: never,
    expire: never,
    wait: never,
    stats: never,
  };
}

describe('MeshConnector calls routed to a peer of this process', () => {
  const connectors: MeshConnector[] = [];
  const stalled = 'fedcba9876543210';
  const key: MeshKey = { peer: '127.0.0.1:9', incarnation: stalled, id: 'a'.repeat(32) };
  const open = (): MeshConnector => {
    const c = new MeshConnector({ thread: 'main' });
    connectors.push(c);
    return c;
  };
  afterEach(async () => {
    removeLocalPeer(stalled);
    await Promise.all(connectors.splice(0).map((c) => c.close()));
  });

  // get, exists, evict, set and getBatch on a local key end by timeoutMs, naming the call, key and peer.
  it('ends each call by its timeoutMs', async () => {
    addLocalPeer(stalledPeer(stalled));
    const c = open();
    const calls: [string, () => Promise<unknown>][] = [
      ['get', () => c.get(key, { timeoutMs: 50 })],
      ['exists', () => c.exists(key, { timeoutMs: 50 })],
      ['evict', () => c.evict(key, { timeoutMs: 50 })],
      ['set', () => c.set(key, payload, { timeoutMs: 50 })],
      ['getBatch', () => c.getBatch([key], { timeoutMs: 50 })],
    ];
    for (const [operation, call] of calls) {
      const error = await settlesWithin(call().then(() => undefined, (e: unknown) => e), `a local ${operation} with a deadline`, 10_000);
      expect(error, operation).toBeInstanceOf(DeadlineExceededError);
      expect((error as Error).message).toContain(`The ${operation} `);
      expect((error as Error).message).toContain('127.0.0.1:9');
      expect((error as Error).message).toContain('within 50 ms');
    }
  });

  // A signal that fires mid-call ends it with the signal's reason.
  it('ends a call when its signal fires', async () => {
    addLocalPeer(stalledPeer(stalled));
    const c = open();
    const controller = new AbortController();
    const pending = c.get(key, { signal: controller.signal });
    controller.abort(new Error('stop now'));
    await expect(settlesWithin(pending, 'a local get with a signal', 10_000)).rejects.toThrow('stop now');
  });

  // The embedded peer's put, putBatch and newKey refuse an already aborted signal, as remote ones do.
  it('honours the signal of calls on the embedded peer', async () => {
    const c = open();
    await c.put(payload); // starts the embedded peer
    const signal = AbortSignal.abort(new Error('cancelled'));
    await expect(c.put(payload, { signal })).rejects.toThrow('cancelled');
    await expect(c.putBatch([payload], { signal })).rejects.toThrow('cancelled');
    await expect(c.newKey({ signal })).rejects.toThrow('cancelled');
    expect((await c.stats()).objects).toBe(1);
  });
});

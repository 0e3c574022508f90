/**
 * The blocking bridge: a synchronous fetch that blocks this thread in Atomics.wait while a
 * worker does the I/O, and the embedded peer that keeps serving other processes meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { DeadlineExceededError, KeyNotFoundError } from '../../src/errors.js';
import { blockingFetch } from '../../src/store/blocking.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';

describe('blocking bridge', () => {
  let connector: MeshConnector;
  let producer: ChildNode;

  beforeAll(async () => {
    connector = new MeshConnector();
    producer = spawnNode('mesh-node');
    await producer.ready;
  });
  afterAll(async () => {
    await producer.kill();
    await connector.close();
  });

  // A stored object comes back synchronously, byte for byte, with its codec.
  it('fetches a stored object synchronously', async () => {
    const data = patternBytes(3 * 1024 * 1024, 'sync');
    const key = await connector.put({ codec: 'bytes', data });
    const payload = blockingFetch({ connector: connector.config(), key, wait: false });
    expect(payload?.codec).toBe('bytes');
    expect(sha256(payload!.data)).toBe(sha256(data));
  });

  // A missing key is undefined when not waiting.
  it('answers undefined for a missing key without waiting', async () => {
    const key = await connector.put({ codec: 'utf8', data: Buffer.from('gone') });
    await connector.evict(key);
    expect(blockingFetch({ connector: connector.config(), key, wait: false })).toBeUndefined();
  });

  // The seed's case: this thread blocks on a key it owns; another process sets it, which only
  // works because the embedded peer serves from its own thread while this one is blocked.
  it('blocks until another process sets a key this process owns', async () => {
    const key = await connector.newKey();
    const setting = producer.call('setWhenAwaited', { key, capability: connector.capabilityFor(key), text: 'made elsewhere' });
    const payload = blockingFetch({ connector: connector.config(), key, wait: true, timeoutMs: 20_000 });
    expect(Buffer.from(payload!.data).toString()).toBe('made elsewhere');
    await setting;
  });

  // Errors cross the bridge as the same named classes.
  it('surfaces DeadlineExceededError and KeyNotFoundError from the worker', async () => {
    const pending = await connector.newKey();
    expect(() => blockingFetch({ connector: connector.config(), key: pending, wait: true, timeoutMs: 50 })).toThrow(DeadlineExceededError);
    await connector.evict(pending);
    expect(() => blockingFetch({ connector: connector.config(), key: pending, wait: true })).toThrow(KeyNotFoundError);
  });
});

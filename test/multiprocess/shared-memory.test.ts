/**
 * Same-host handoff across real processes with default connectors: a producer hands a future's
 * value to its owner as a file of the owner's directory in /dev/shm, an embedded peer keeps what
 * its process puts there, and readers on this host read the files. What happens when the
 * producer or the owner goes is checked too: the value outlives its producer; the files go with
 * their owner, however it ends.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { formatKey, type MeshKey } from '../../src/mesh/key.js';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { PeerUnavailableError, ProxyResolveError } from '../../src/errors.js';
import { reviver } from '../../src/store/reviver.js';
import type { Future } from '../../src/store/future.js';
import { extract } from '../../src/proxy/control.js';
import { Store } from '../../src/store/store.js';
import { DEFAULT_SHARED_BASE } from '../../src/mesh/wire/shared-directory.js';

const SIZE = 8 << 20;
const nodes: ChildNode[] = [];
function node(): ChildNode {
  const n = spawnNode('mesh-node');
  nodes.push(n);
  return n;
}

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.kill()));
});

/** The directory of the peer of process `pid` with incarnation `incarnation`. */
const directoryOf = (pid: number | undefined, incarnation: string): string => join(DEFAULT_SHARED_BASE, `proxymesh-${pid}-${incarnation}`);

type Described = { size: number; sha256: string } | null;

describe('same-host handoff between processes', () => {
  // Proves: a producer's 8 MiB set lands as a file named by the key in the owner's directory; the blocked consumer and a later reader get its exact bytes after the producer has exited.
  it('hands a future over as a file that outlives its producer', async () => {
    const [owner, producer, consumer] = [node(), node(), node()];
    await Promise.all([owner.ready, producer.ready, consumer.ready]);
    const { key, capability } = await owner.call<{ key: MeshKey; capability: string }>('newKey');
    const waiting = consumer.call<Described[]>('await', { key, timeoutMs: 30_000 });
    await producer.call('set', { key, capability, size: SIZE, seed: 'handed over' });
    await producer.call('exit');
    expect(await producer.exited).toBe(0);
    const expected = sha256(patternBytes(SIZE, 'handed over'));
    expect((await waiting)[0]).toMatchObject({ size: SIZE, sha256: expected });
    const directory = directoryOf(owner.process.pid, key.incarnation);
    expect(readdirSync(directory).sort()).toEqual([key.id, `${key.id}.codec`, 'spare', 'token'].sort());
    expect(await consumer.call<Described>('get', { key })).toMatchObject({ size: SIZE, sha256: expected });
  }, 60_000);

  // Proves: an object an embedded peer's process puts is kept as a file, read intact by another process; the owner's directory goes when it exits cleanly, and one left by a SIGKILLed owner is removed by the next peer to start on this host.
  it('keeps large puts as files, and cleans up after its owner', async () => {
    const [owner, reader, killed] = [node(), node(), node()];
    await Promise.all([owner.ready, reader.ready, killed.ready]);
    const key = await owner.call<MeshKey>('put', { size: SIZE, seed: 'put here' });
    const directory = directoryOf(owner.process.pid, key.incarnation);
    expect(readdirSync(directory).filter((n) => n !== 'spare' && n !== 'token').sort()).toEqual([key.id, `${key.id}.codec`]);
    expect(await reader.call<Described>('get', { key })).toMatchObject({ size: SIZE, sha256: sha256(patternBytes(SIZE, 'put here')) });
    await owner.call('exit');
    await owner.exited;
    expect(existsSync(directory)).toBe(false);

    const lost = await killed.call<MeshKey>('put', { size: SIZE, seed: 'lost' });
    const left = directoryOf(killed.process.pid, lost.incarnation);
    await killed.kill('SIGKILL');
    expect(existsSync(left)).toBe(true);
    // The reader's embedded peer starts with its first put, and sweeps what the dead process left.
    await reader.call('put', { text: 'starts a peer' });
    expect(existsSync(left)).toBe(false);
  }, 60_000);
});

describe('processes prepared ahead of their first use', () => {
  // Proves: reviving a future's proxy starts the bridge and warms its channel to the owner (Locate); when the owner is then killed, the proxy's first synchronous use throws PeerUnavailableError naming the key and the owner instead of hanging; a later future of a live owner still resolves through the same bridge.
  it('reports an owner that died after the proxy arrived', async () => {
    const [owner, other] = [node(), node()];
    await Promise.all([owner.ready, other.ready]);
    const { key } = await owner.call<{ key: MeshKey }>('newKey');
    const store = new Store('prepared-consumer', new MeshConnector(), { register: false });
    try {
      const reference = (k: MeshKey): string => JSON.stringify({ $proxymesh: 'proxy', key: k, store: store.config(), evict: false, shape: 'array', wait: true });
      const proxy = JSON.parse(reference(key), reviver) as number[];
      await owner.kill();
      let thrown: unknown;
      try {
        void proxy.length;
      } catch (error) {
        thrown = error;
      }
      // A proxy that cannot resolve says so, with the mesh's error as its cause.
      expect(thrown).toBeInstanceOf(ProxyResolveError);
      expect((thrown as Error).cause).toBeInstanceOf(PeerUnavailableError);
      expect(((thrown as Error).cause as Error).message).toContain(formatKey(key));
      expect(((thrown as Error).cause as Error).message).toContain(key.peer);
      // The bridge goes on serving: a future of a live owner, set after its proxy arrived.
      const live = await other.call<{ key: MeshKey; capability: string }>('newKey');
      const later = JSON.parse(reference(live.key), reviver) as Uint8Array;
      await other.call('set', { key: live.key, capability: live.capability, size: SIZE, seed: 'later' });
      // `extract`: hashing reads the bytes through Node's internals, which a proxy does not reach.
      expect(sha256(extract(later))).toBe(sha256(patternBytes(SIZE, 'later')));
    } finally {
      await store.close();
    }
  }, 60_000);

  // Proves: a revived future (its connector made ready as it arrives) sets a large value as a file the owner keeps; a future whose owner died after it arrived fails its setResult with PeerUnavailableError naming the key instead of hanging.
  it('prepares a revived future for its setResult, and reports an owner gone meanwhile', async () => {
    const [owner, doomed] = [node(), node()];
    await Promise.all([owner.ready, doomed.ready]);
    const store = new Store('prepared-producer', new MeshConnector(), { register: false });
    try {
      const future = (made: { key: MeshKey; capability: string }): Future<Uint8Array> =>
        JSON.parse(JSON.stringify({ $proxymesh: 'future', key: made.key, store: store.config(), evict: false, shape: 'object', capability: made.capability }), reviver) as Future<Uint8Array>;
      const live = await owner.call<{ key: MeshKey; capability: string }>('newKey');
      const value = patternBytes(SIZE, 'set after preparing');
      await future(live).setResult(value);
      expect(readdirSync(directoryOf(owner.process.pid, live.key.incarnation))).toContain(live.key.id);
      expect(await owner.call<Described>('get', { key: live.key })).toMatchObject({ size: SIZE, sha256: sha256(value) });

      const gone = await doomed.call<{ key: MeshKey; capability: string }>('newKey');
      const orphan = future(gone);
      await doomed.kill();
      const error = await orphan.setResult(value).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect((error as Error).message).toContain(formatKey(gone.key));
    } finally {
      await store.close();
    }
  }, 60_000);
});

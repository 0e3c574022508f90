/**
 * A MultiConnector across processes: small objects on the mesh (owned by this process's
 * embedded peer), large ones on a FileConnector, and a child process that never saw the store
 * resolving proxies of both, by `await resolve` and by a blocking first use, and setting a future.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileConnector, MeshConnector, MultiConnector, Store, getKey, type MultiKey } from '../../src/index.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';

const MiB = 1024 * 1024;
type Resolved = { key: MultiKey; value: { size: number; sha256: string } };

describe('MultiConnector across processes', () => {
  let child: ChildNode;
  let store: Store;
  let directory: string;

  beforeAll(async () => {
    child = spawnNode('proxy-node');
    directory = mkdtempSync(join(tmpdir(), 'proxymesh-multi-'));
    const multi = new MultiConnector({
      small: { connector: new MeshConnector(), policy: { priority: 1, maxSizeBytes: MiB } },
      large: { connector: new FileConnector({ directory }), policy: { minSizeBytes: MiB + 1 } },
    });
    store = new Store('multi-processes', multi);
    await child.ready;
  }, 60_000);

  afterAll(async () => {
    await child?.kill();
    await store?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const objects = (): Uint8Array[] => [patternBytes(1000, 'small'), patternBytes(3 * MiB, 'large'), patternBytes(MiB, 'edge')];
  const expected = objects().map((o) => ({ size: o.byteLength, sha256: sha256(o) }));

  // Small objects go to the mesh and large ones to files; the child resolves all of them from the config alone.
  it('resolves small (mesh) and large (file) objects in a process that never saw the store', async () => {
    const proxies = await store.proxyBatch(objects());
    expect(proxies.map((p) => (getKey(p) as MultiKey).connector)).toEqual(['small', 'large', 'small']);
    // Only the large object is in the FileConnector's directory (its marker names its id).
    const large = (getKey(proxies[1]) as MultiKey).key as { id: string };
    expect(readdirSync(directory).filter((f) => f.endsWith('.ready'))).toEqual([`${large.id}.ready`]);
    const got = await child.call<Resolved[]>('resolve', { text: JSON.stringify(proxies) });
    expect(got.map((r) => r.value)).toEqual(expected);
    expect(got.map((r) => r.key.connector)).toEqual(['small', 'large', 'small']);
  });

  // A synchronous first use blocks on the bridge, which rebuilds the MultiConnector in its worker.
  it('resolves them on a synchronous first use too', async () => {
    const proxies = await Promise.all(objects().map((o) => store.proxy(o)));
    const got = await child.call<Resolved[]>('use', { text: JSON.stringify(proxies) });
    expect(got.map((r) => r.value)).toEqual(expected);
  });

  // A future made here (on the mesh, the highest priority: a future's size is unknown) is set by the child.
  it('has a future set by a process that never saw the store', async () => {
    const future = await store.future<Uint8Array>();
    expect((future.key as MultiKey).connector).toBe('small');
    await child.call('set', { text: JSON.stringify(future), size: 2 * MiB, seed: 'from-child' });
    expect(sha256(await future.result({ timeoutMs: 30_000 }))).toBe(sha256(patternBytes(2 * MiB, 'from-child')));
  });

  // Evicting through the store removes the large object's files.
  it('evicts from the connector that holds the key', async () => {
    const key = (await store.put(patternBytes(2 * MiB, 'evicted'))) as MultiKey;
    expect(key.connector).toBe('large');
    const marker = join(directory, `${(key.key as { id: string }).id}.ready`);
    expect(existsSync(marker)).toBe(true);
    await store.evict(key);
    expect(await store.exists(key)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });
});

/**
 * Host reads across real processes: an owner with the default `new MeshConnector()` keeps what
 * its process puts in files of its directory (small objects mirrored, large ones as files), and
 * a reader on this host reads them by key with no call to the owner. Stopping the owner with
 * SIGSTOP shows it: a stopped process answers no call, so a value that still arrives came from
 * its files, while a reader with host reads turned off (as on another host) gets no answer. The
 * fallbacks are checked too: an object without its codec link is asked for over gRPC, an evicted
 * one is missing, and the files of an owner that was SIGKILLed are never read.
 */
import { lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { waitFor } from '../helpers/wait-for.js';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { DeadlineExceededError, PeerUnavailableError } from '../../src/errors.js';
import type { MeshKey } from '../../src/mesh/key.js';
import { DEFAULT_SHARED_BASE } from '../../src/mesh/wire/shared-directory.js';
import { spawnFaultNode } from '../faults/support.js';

const SMALL = { size: 100, seed: 'small' };
const LARGE = { size: 3 << 20, seed: 'large' };
const digest = (o: { size: number; seed: string }): string => sha256(patternBytes(o.size, o.seed));

/** The files of `owner`'s peer for `key`: the object and its codec link. */
const linkOf = (owner: ChildNode, key: MeshKey): string => join(DEFAULT_SHARED_BASE, `proxymesh-${owner.process.pid}-${key.incarnation}`, `${key.id}.codec`);
/** Waits until the owner has written the object's mirror, just after its put answered. */
const mirroredBy = (owner: ChildNode, key: MeshKey): Promise<void> => waitFor(() => lstatSync(linkOf(owner, key), { throwIfNoEntry: false }) !== undefined, `the owner has mirrored ${key.id}`);

describe('host reads between processes', () => {
  const nodes: ChildNode[] = [];
  const readers: MeshConnector[] = [];
  let owner: ChildNode;

  function node(options: Parameters<typeof spawnFaultNode>[0] = {}): ChildNode {
    const n = spawnFaultNode(options);
    nodes.push(n);
    return n;
  }
  function reader(options: ConstructorParameters<typeof MeshConnector>[0] = {}): MeshConnector {
    const r = new MeshConnector(options);
    readers.push(r);
    return r;
  }

  beforeAll(async () => {
    owner = node();
    await owner.ready;
  });
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
  });

  // Proves: a stopped owner's small and large objects are read intact by a reader of this host, synchronously and not; a reader with host reads off cannot get them while the owner is stopped.
  it('reads an owner\u2019s objects from its files, without a call, even while it is stopped', async () => {
    const small = await owner.call<MeshKey>('put', SMALL);
    const large = await owner.call<MeshKey>('put', LARGE);
    await mirroredBy(owner, small);
    const onHost = reader();
    const elsewhere = reader({ sharedMemory: false, timeoutMs: 1_000, transferTimeoutMs: 1_000 });
    owner.process.kill('SIGSTOP');
    try {
      for (const [key, object] of [[small, SMALL], [large, LARGE]] as const) {
        const got = await onHost.get(key);
        expect(got?.codec).toBe('bytes');
        expect(sha256(got?.data ?? new Uint8Array())).toBe(digest(object));
        expect(sha256(onHost.getSync(key)?.data ?? new Uint8Array())).toBe(digest(object));
        const failed = await elsewhere.get(key).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect([DeadlineExceededError, PeerUnavailableError].some((c) => failed instanceof c), String(failed)).toBe(true);
      }
      expect(elsewhere.getSync(small)).toBeUndefined();
    } finally {
      owner.process.kill('SIGCONT');
    }
  }, 60_000);

  // Proves: an object whose codec link is gone is still read, over gRPC; once evicted, neither route finds it.
  it('asks the owner when an object has no codec link, and finds an evicted object missing', async () => {
    const key = await owner.call<MeshKey>('put', SMALL);
    await mirroredBy(owner, key);
    const onHost = reader();
    rmSync(linkOf(owner, key));
    expect(onHost.getSync(key)).toBeUndefined();
    expect(sha256((await onHost.get(key))?.data ?? new Uint8Array())).toBe(digest(SMALL));

    const evicted = await owner.call<MeshKey>('put', LARGE);
    expect(onHost.getSync(evicted)).toBeDefined();
    await owner.call('evict', { key: evicted });
    expect(onHost.getSync(evicted)).toBeUndefined();
    expect(await onHost.get(evicted)).toBeUndefined();
  }, 60_000);

  // Proves: the files a SIGKILLed owner leaves behind (until the next peer sweeps them) are never read: its objects died with it, and the reader says so.
  it('never reads the files of an owner that was killed', async () => {
    const doomed = node();
    await doomed.ready;
    const key = await doomed.call<MeshKey>('put', SMALL);
    await mirroredBy(doomed, key);
    const onHost = reader({ timeoutMs: 5_000 });
    expect(onHost.getSync(key)).toBeDefined();
    await doomed.kill('SIGKILL');
    await doomed.exited;
    expect(onHost.getSync(key)).toBeUndefined();
    await expect(onHost.get(key)).rejects.toBeInstanceOf(PeerUnavailableError);
  }, 60_000);
});

/**
 * The contract's Replace and Expire through a peer daemon in another process: an owner's
 * `update` on the mesh (only the process that put an object may replace it; futures stay
 * write-once), and a lease whose objects the daemon evicts by itself when it ends, even after
 * the client that took it was killed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { KeyNotFoundError, PermissionDeniedError } from '../../src/errors.js';
import type { MeshKey } from '../../src/mesh/key.js';
import { Store } from '../../src/store/store.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { waitFor } from '../helpers/wait-for.js';

let daemon: ChildNode;
let address: string;
beforeAll(async () => {
  daemon = spawnNode('mesh-node');
  await daemon.ready;
  address = await daemon.call<string>('address');
}, 60_000);
afterAll(async () => {
  await daemon.kill();
});

describe('Replace on a peer daemon', () => {
  // Proves: the putter replaces its object (a reader sees the new value); a connector that did not put it is refused with PermissionDeniedError naming the key; a future's unset key is refused (write-once).
  it('lets the process that put an object replace it, and no other', async () => {
    const owner = new Store('replace-owner', new MeshConnector({ peer: address }));
    const other = new Store('replace-other', new MeshConnector({ peer: address }));
    try {
      const key = await owner.put({ version: 1 });
      await owner.replace(key, { version: 2 });
      expect(await other.get(key)).toEqual({ version: 2 });
      const refused = await other.replace(key, { version: 3 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PermissionDeniedError);
      expect((refused as Error).message).toMatch(/Cannot replace key .* the capability is missing/);
      expect(await owner.get(key)).toEqual({ version: 2 });

      const future = await owner.future<number>();
      const pending = await owner.replace(future.key as MeshKey, 1).catch((e: unknown) => e);
      expect(pending).toBeInstanceOf(KeyNotFoundError);
      expect((pending as Error).message).toMatch(/futures are write-once/);
    } finally {
      await owner.close();
      await other.close();
    }
  }, 30_000);
});

describe('Expire on a peer daemon', () => {
  // Proves: the daemon evicts an object once its time to live passes, and 0 takes a time to live away.
  it('evicts an object when its time to live passes', async () => {
    const connector = new MeshConnector({ peer: address });
    try {
      const kept = await connector.put({ codec: 'utf8', data: Buffer.from('kept') });
      const dropped = await connector.put({ codec: 'utf8', data: Buffer.from('dropped') });
      await connector.expire(kept, 300);
      await connector.expire(kept, 0);
      await connector.expire(dropped, 300);
      await waitFor(async () => !(await connector.exists(dropped)), 'the daemon evicted the object whose time to live passed');
      expect(await connector.exists(kept)).toBe(true);
      await expect(connector.expire(dropped, 10)).rejects.toThrow(KeyNotFoundError);
    } finally {
      await connector.close();
    }
  }, 30_000);

  // Proves: a lease's object on a daemon is evicted when the lease ends although the client that took it was SIGKILLed first; an object put without a lease by the same client stays.
  it('ends a lease on the daemon after its client crashed', async () => {
    const client = spawnNode('lease-node', [address]);
    await client.ready;
    const leased = await client.call<MeshKey>('putLeased', { text: 'leased', expiryMs: 5_000 });
    const unleased = await client.call<MeshKey>('put', { text: 'unleased' });
    await client.kill('SIGKILL');
    const reader = new MeshConnector({ peer: address });
    try {
      expect(await reader.exists(leased)).toBe(true);
      await waitFor(async () => !(await reader.exists(leased)), 'the daemon evicted the crashed client\'s leased object', 20_000);
      expect(await reader.exists(unleased)).toBe(true);
    } finally {
      await reader.close();
    }
  }, 60_000);
});

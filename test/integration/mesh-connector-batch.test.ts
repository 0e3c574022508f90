/**
 * `MeshConnector.putBatch`/`getBatch` within one process: an embedded peer on its worker
 * thread (one thread message per batch) and a peer on this thread, mixed in one batch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { LimitExceededError } from '../../src/errors.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { Peer } from '../../src/mesh/server/peer.js';
import { verifiedCrc } from '../../src/mesh/wire/verified-crc.js';
import { patternBytes } from '../helpers/data.js';

const bytes = (text: string): { codec: string; data: Buffer } => ({ codec: 'utf8', data: Buffer.from(text) });
const texts = (values: ({ data: Uint8Array } | undefined)[]): (string | undefined)[] => values.map((v) => v && Buffer.from(v.data).toString());

describe('MeshConnector batches in one process', () => {
  let worker: MeshConnector;
  let attached: MeshConnector;
  let peer: Peer;

  beforeEach(async () => {
    peer = await Peer.start({ listen: '127.0.0.1:0', maxBytes: 1000 });
    worker = new MeshConnector({ maxBytes: 1000 });
    attached = new MeshConnector({ peer: peer.address });
  });

  afterEach(async () => {
    await Promise.all([worker.close(), attached.close()]);
    await peer.close();
  });

  // Keys of the worker-thread peer and of this thread's peer come back in the caller's order, with repeats and undefined for missing keys.
  it('reads a batch mixed over two peers of this process in order', async () => {
    const onWorker = await worker.putBatch([bytes('w0'), bytes('w1'), bytes('')]);
    const onPeer = await attached.putBatch([bytes('p0'), bytes('p1')]);
    expect(onWorker.every((k) => k.peer === onWorker[0]?.peer)).toBe(true);
    expect(onPeer.every((k) => k.peer === peer.address)).toBe(true);
    await worker.evict(onWorker[1]!);
    const pending = await worker.newKey();
    const keys = [onPeer[1]!, onWorker[0]!, onWorker[1]!, onPeer[0]!, pending, onWorker[2]!, onPeer[1]!];
    expect(texts(await attached.getBatch(keys))).toEqual(['p1', 'w0', undefined, 'p0', undefined, '', 'p1']);
    expect(await worker.getBatch([])).toEqual([]);
    expect(await worker.putBatch([])).toEqual([]);
  });

  // A batch over the embedded peer's byte limit stores none of its objects.
  it('stores all or none of a batch in the embedded peer', async () => {
    const [kept] = await worker.putBatch([{ codec: 'bytes', data: patternBytes(400, 'kept') }]);
    const over = Array.from({ length: 4 }, (_, i) => ({ codec: 'bytes', data: patternBytes(200, `over ${i}`) }));
    await expect(worker.putBatch(over)).rejects.toBeInstanceOf(LimitExceededError);
    expect(await worker.stats()).toMatchObject({ objects: 1, bytes: 400 });
    expect(Buffer.from((await worker.getBatch([kept!]))[0]!.data)).toEqual(patternBytes(400, 'kept'));
    expect(await worker.putBatch(over.slice(0, 3))).toHaveLength(3);
    expect(await worker.stats()).toMatchObject({ objects: 4, bytes: 1000 });
  });

  // Bad input is refused before anything is stored.
  it('refuses a payload that is not bytes, naming the connector', async () => {
    await expect(worker.putBatch([bytes('fine'), { codec: 'bytes', data: 'text' as unknown as Uint8Array }])).rejects.toThrow(/MeshConnector/);
    expect(await worker.stats()).toMatchObject({ objects: 0 });
  });
});

describe('MeshConnector.putBatch to a peer over gRPC', () => {
  // The client fills in each object's checksum as grpc-js serialises its message (batch-client.ts):
  // every object must still arrive with one, which the peer verifies and keeps, in every message.
  it('sends a checksum with every object of a batch that takes several messages', async () => {
    const peer = await Peer.start({ listen: '127.0.0.1:0' });
    const client = new MeshConnector({ peer: peer.address });
    try {
      const payloads = Array.from({ length: 600 }, (_, i) => ({ codec: 'bytes', data: patternBytes(4096, `object ${i}`) }));
      const keys = await client.putBatch(payloads);
      const stored = keys.map((key) => peer.state.table.get(peer.state.idOf(key)));
      expect(stored.map((p) => p && verifiedCrc(p))).toEqual(payloads.map((p) => crc32c(p.data)));
      expect((await client.getBatch(keys)).map((p) => p && Buffer.from(p.data))).toEqual(payloads.map((p) => p.data));
    } finally {
      await client.close();
      await peer.close();
    }
  });
});

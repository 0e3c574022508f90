/**
 * A stream across processes: the producer keeps its objects on its own mesh peer and publishes
 * only keys on a topic of that peer; a consumer in another process follows the topic and
 * resolves each proxy from the owner.
 */
import { createHash } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { registerStore, unregisterStore } from '../../src/store/registry.js';
import { Store } from '../../src/store/store.js';
import { StreamProducer } from '../../src/stream/producer.js';
import type { Publisher } from '../../src/stream/protocols.js';
import { MeshTopicPublisher } from '../../src/stream/shims/mesh-topic.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';

let child: ChildNode | undefined;
afterEach(async () => {
  await child?.kill();
});

/** Passes messages on, noting the largest. */
class Measuring implements Publisher {
  largest = 0;
  constructor(readonly inner: Publisher) {}
  sendMessage(topic: string, message: Uint8Array): Promise<void> {
    this.largest = Math.max(this.largest, message.byteLength);
    return this.inner.sendMessage(topic, message);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

// Five 1 MiB objects reach a consumer process as proxies that resolve from the producer's peer, while
// each event on the topic stays under 2 KiB (the bytes never pass through the topic).
it('streams proxies to a consumer process, which resolves them from the owner', async () => {
  const connector = new MeshConnector({ thread: 'main' });
  const store = new Store(`stream-processes-${process.pid}`, connector);
  registerStore(store);
  const publisher = new Measuring(new MeshTopicPublisher(await connector.ownerAddress()));
  const producer = new StreamProducer<{ text: string }>(publisher, { defaultStore: store });
  child = spawnNode('../stream/stream-node');
  await child.ready;
  const consumed = child.call<{ index: number; sha256: string }[]>('consume', { peer: await connector.ownerAddress(), topic: 'results' });
  const texts = Array.from({ length: 5 }, (_, i) => String.fromCharCode(97 + i).repeat(1 << 20));
  for (const [index, text] of texts.entries()) await producer.send('results', { text }, { metadata: { index }, evict: false });
  await producer.close({ topics: ['results'] });
  expect(await consumed).toEqual(texts.map((text, index) => ({ index, sha256: createHash('sha256').update(text).digest('hex') })));
  expect(publisher.largest).toBeLessThan(2048);
  expect(await connector.stats()).toMatchObject({ objects: 5 });
  unregisterStore(store);
  await store.close();
});

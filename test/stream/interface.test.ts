/**
 * StreamProducer and StreamConsumer over the in-process queue, with a FileConnector store:
 * ProxyStore's stream interface tests, ported.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProxy } from '../../src/proxy/control.js';
import { getStore } from '../../src/store/registry.js';
import { TopicClosedError } from '../../src/stream/errors.js';
import { StreamConsumer } from '../../src/stream/consumer.js';
import { StreamProducer } from '../../src/stream/producer.js';
import type { Publisher } from '../../src/stream/protocols.js';
import { queuePair } from '../../src/stream/shims/queue.js';
import { fileStore, keyEvents } from './support.js';

/** A publisher that keeps a copy of every message it passes on, to read the keys sent. */
class Recording implements Publisher {
  readonly messages: Uint8Array[] = [];
  constructor(readonly inner: Publisher) {}
  sendMessage(topic: string, message: Uint8Array): Promise<void> {
    this.messages.push(message);
    return this.inner.sendMessage(topic, message);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const topic = 'default';
let fixture: ReturnType<typeof fileStore>;
beforeEach(() => {
  fixture = fileStore();
});
afterEach(async () => {
  await fixture.dispose();
});

describe('StreamProducer and StreamConsumer', () => {
  for (const batchSize of [1, 2, 3]) {
    for (const useStore of [true, false]) {
      // Every object arrives in order, as a proxy with a store and as itself without, whatever the batch size.
      it(`streams objects (batch ${batchSize}, ${useStore ? 'store' : 'by value'})`, async () => {
        const { publisher, subscriber } = queuePair(topic);
        const producer = new StreamProducer<string>(publisher, { batchSize, stores: { [topic]: useStore ? fixture.store : null } });
        const consumer = new StreamConsumer<string>(subscriber);
        const objects = Array.from({ length: 10 }, () => randomUUID());
        const received: string[] = [];
        const consuming = (async () => {
          for await (const obj of consumer) {
            expect(isProxy(obj)).toBe(useStore);
            received.push(`${obj}`);
          }
        })();
        for (const obj of objects) await producer.send(topic, obj);
        await producer.close({ topics: [topic] });
        await consuming;
        expect(received).toEqual(objects);
        await consumer.close();
      });
    }
  }

  // `await using` closes both ends; the object goes through.
  it('works as an async disposable', async () => {
    const { publisher, subscriber } = queuePair(topic);
    await using producer = new StreamProducer<string>(publisher, { stores: { [topic]: fixture.store } });
    await using consumer = new StreamConsumer<string>(subscriber);
    await producer.send(topic, 'value');
    expect(`${await consumer.next()}`).toBe('value');
  });

  // Closing without the publisher and subscriber leaves them usable by a new producer and consumer.
  it('closes without closing its publisher, subscriber or stores', async () => {
    const { publisher, subscriber } = queuePair(topic);
    await new StreamProducer<string>(publisher, { stores: { [topic]: fixture.store } }).close({ publisher: false, stores: false });
    await new StreamConsumer<string>(subscriber).close({ subscriber: false, stores: false });
    const producer = new StreamProducer<string>(publisher, { stores: { [topic]: fixture.store } });
    const consumer = new StreamConsumer<string>(subscriber);
    await producer.send(topic, 'value');
    expect(`${await consumer.next()}`).toBe('value');
    await producer.close();
    await consumer.close();
  });

  // The end event ends iteration, and a read past it is a TopicClosedError.
  it('ends the consumer when the producer closes the topic', async () => {
    const { publisher, subscriber } = queuePair(topic);
    const producer = new StreamProducer<string>(publisher, { stores: { [topic]: fixture.store } });
    const consumer = new StreamConsumer<string>(subscriber);
    await producer.closeTopics(topic);
    await expect(consumer.next()).rejects.toThrow(TopicClosedError);
    await expect(consumer.next()).rejects.toThrow(/stream has ended/);
    await producer.close();
    await consumer.close();
  });

  // A closed topic refuses more objects, and a second flush sends no second end event.
  it('refuses to send to a closed topic', async () => {
    const { publisher, subscriber, queue } = queuePair(topic);
    const producer = new StreamProducer<string>(publisher, { stores: { [topic]: fixture.store } });
    await producer.closeTopics(topic);
    await expect(producer.send(topic, 'value')).rejects.toThrow(TopicClosedError);
    await expect(producer.send(topic, 'value')).rejects.toThrow(/Topic "default" has been closed/);
    await producer.flush();
    expect(queue.size).toBe(1);
    await producer.close();
    await subscriber.close();
  });

  // The consumer opens and registers the default store from the event's config; close({ stores }) unregisters it.
  it('uses the default store, which the consumer registers', async () => {
    const unregistered = fileStore(`stream-default-${process.pid}`, false);
    const { publisher, subscriber } = queuePair(topic);
    const producer = new StreamProducer<string>(publisher, { defaultStore: unregistered.store });
    const consumer = new StreamConsumer<string>(subscriber);
    await producer.send(topic, 'value');
    expect(getStore(unregistered.store.name)).toBeUndefined();
    expect(`${await consumer.nextObject()}`).toBe('value');
    expect(getStore(unregistered.store.name)).toBeDefined();
    await consumer.close({ stores: true });
    expect(getStore(unregistered.store.name)).toBeUndefined();
    await producer.close({ stores: true });
    await unregistered.dispose();
  });

  for (const side of ['producer', 'consumer'] as const) {
    // Odd indices are dropped on either side, and every object sent with evict is gone afterwards, dropped or read.
    it(`filters on the ${side} side and evicts what it drops`, async () => {
      const { publisher: inner, subscriber } = queuePair(topic);
      const publisher = new Recording(inner);
      const filter = (metadata: Record<string, unknown>): boolean => (metadata.index as number) % 2 !== 0;
      const producer = new StreamProducer<number>(publisher, { stores: { [topic]: fixture.store }, filter: side === 'producer' ? filter : undefined });
      const consumer = new StreamConsumer<number>(subscriber, { filter: side === 'consumer' ? filter : undefined });
      for (let i = 0; i < 10; i++) await producer.send(topic, i, { metadata: { index: i }, evict: true });
      const keys = publisher.messages.flatMap(keyEvents).map((e) => e.key);
      expect(keys).toHaveLength(side === 'producer' ? 5 : 10);
      await producer.closeTopics(topic);
      const values: number[] = [];
      for await (const v of consumer.iterObjects()) values.push(v);
      expect(values).toEqual([0, 2, 4, 6, 8]);
      for (const key of keys) expect(await fixture.store.exists(key)).toBe(false);
      await producer.close();
      await consumer.close();
    });
  }

  for (const batchSize of [1, 2, 3]) {
    // Each batch becomes one object (its sum), so 10 ones make ceil(10 / batch) values adding up to 10.
    it(`aggregates batches of ${batchSize}`, async () => {
      const { publisher, subscriber } = queuePair(topic);
      const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
      const producer = new StreamProducer<number>(publisher, { aggregator: sum, batchSize, stores: { [topic]: fixture.store } });
      const consumer = new StreamConsumer<number>(subscriber);
      for (let i = 0; i < 10; i++) await producer.send(topic, 1, { evict: true });
      await producer.closeTopics(topic);
      const values: number[] = [];
      for await (const v of consumer.iterObjects()) values.push(v);
      expect(values).toHaveLength(Math.ceil(10 / batchSize));
      expect(sum(values)).toBe(10);
      await producer.close();
      await consumer.close();
    });
  }

  for (const useStore of [true, false]) {
    // Metadata travels with each object, through proxies and through objects.
    it(`iterates with metadata (${useStore ? 'store' : 'by value'})`, async () => {
      const { publisher, subscriber } = queuePair(topic);
      const producer = new StreamProducer<number>(publisher, { stores: { [topic]: useStore ? fixture.store : null } });
      const consumer = new StreamConsumer<number>(subscriber);
      for (let i = 0; i < 10; i++) await producer.send(topic, i, { metadata: { value: i } });
      await producer.closeTopics(topic);
      let seen = 0;
      for await (const [metadata, p] of consumer.iterWithMetadata()) {
        expect(+p).toBe(metadata.value);
        seen += 1;
      }
      expect(seen).toBe(10);
      const second = queuePair(topic);
      const again = new StreamProducer<number>(second.publisher, { stores: { [topic]: useStore ? fixture.store : null } });
      for (let i = 0; i < 10; i++) await again.send(topic, i, { metadata: { value: i } });
      await again.closeTopics(topic);
      const values: number[] = [];
      for await (const [metadata, obj] of new StreamConsumer<number>(second.subscriber).iterObjectsWithMetadata()) {
        expect(obj).toBe(metadata.value);
        values.push(obj);
      }
      expect(values).toHaveLength(10);
      await producer.close();
      await again.close();
      await consumer.close();
    });
  }

  for (const evict of [true, false]) {
    // nextObject evicts the object exactly when it was sent with evict.
    it(`nextObject ${evict ? 'evicts' : 'keeps'} an object sent with evict: ${evict}`, async () => {
      const { publisher: inner, subscriber } = queuePair(topic);
      const publisher = new Recording(inner);
      const producer = new StreamProducer<string>(publisher, { stores: { [topic]: fixture.store } });
      const consumer = new StreamConsumer<string>(subscriber);
      await producer.send(topic, 'value', { evict });
      const [event] = keyEvents(publisher.messages[0]!);
      expect(await fixture.store.exists(event!.key)).toBe(true);
      expect(await consumer.nextObject()).toBe('value');
      expect(await fixture.store.exists(event!.key)).toBe(!evict);
      await producer.close();
      await consumer.close();
    });
  }

  // An object evicted before the consumer reads it is a KeyNotFoundError naming the store and the key.
  it('reports an object that is gone', async () => {
    const { publisher: inner, subscriber } = queuePair(topic);
    const publisher = new Recording(inner);
    const producer = new StreamProducer<string>(publisher, { stores: { [topic]: fixture.store } });
    const consumer = new StreamConsumer<string>(subscriber);
    await producer.send(topic, 'value');
    const [event] = keyEvents(publisher.messages[0]!);
    await fixture.store.evict(event!.key);
    await expect(consumer.nextObject()).rejects.toThrow(new RegExp(`Store "${fixture.store.name}" has no object for key`));
    await producer.close();
    await consumer.close();
  });
});

/**
 * The Redis shims against the real redis-server the suite starts: pub/sub (ProxyStore's Redis
 * shim tests, ported) and Redis Streams (a late consumer, resuming from a position, a consumer
 * group sharing the work, and the end of the topic reaching every member).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamConsumer } from '../../src/stream/consumer.js';
import { StreamProducer } from '../../src/stream/producer.js';
import type { Publisher, Subscriber } from '../../src/stream/protocols.js';
import { RedisPublisher, RedisSubscriber } from '../../src/stream/shims/redis-pubsub.js';
import { RedisStreamPublisher, RedisStreamSubscriber } from '../../src/stream/shims/redis-streams.js';
import type { Redis } from 'ioredis';
import { loadIoredis } from '../../src/connectors/redis-module.js';
import { waitFor } from '../helpers/wait-for.js';
import { redisUrl } from '../setup/redis-url.js';
import { fileStore, uniqueTopic } from './support.js';

const open: (Publisher | Subscriber)[] = [];
function track<T extends Publisher | Subscriber>(thing: T): T {
  open.push(thing);
  return thing;
}
let fixture: ReturnType<typeof fileStore>;
let admin: Redis;
beforeEach(() => {
  fixture = fileStore();
  admin = new (loadIoredis().Redis)(redisUrl());
});
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
  await fixture.dispose();
  admin.disconnect();
});

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString());
const messages = (n: number, tag = 'message'): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`${tag}_${i}`));

async function read(subscriber: Subscriber, n: number): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (let i = 0; i < n; i++) out.push(text(await subscriber.nextMessage()));
  return out;
}

describe('Redis pub/sub shim', () => {
  // Messages published after the subscription is confirmed arrive in order.
  it('publishes and subscribes', async () => {
    const topic = uniqueTopic('pubsub');
    const publisher = track(new RedisPublisher(redisUrl()));
    const subscriber = track(new RedisSubscriber(redisUrl(), topic));
    await subscriber.ready();
    for (const m of messages(3)) await publisher.sendMessage(topic, m);
    expect(await read(subscriber, 3)).toEqual(['message_0', 'message_1', 'message_2']);
  });

  // Pub/sub keeps nothing: a subscriber that was not connected misses what was published meanwhile.
  it('does not keep messages for a late subscriber', async () => {
    const topic = uniqueTopic('pubsub-late');
    const publisher = track(new RedisPublisher(redisUrl()));
    await publisher.sendMessage(topic, Buffer.from('missed'));
    const subscriber = track(new RedisSubscriber(redisUrl(), topic));
    await subscriber.ready();
    await publisher.sendMessage(topic, Buffer.from('seen'));
    expect(text(await subscriber.nextMessage())).toBe('seen');
  });

  // A closed subscriber returns undefined from a waiting read.
  it('ends a waiting read on close', async () => {
    const subscriber = new RedisSubscriber(redisUrl(), uniqueTopic('pubsub-close'));
    await subscriber.ready();
    const waiting = subscriber.nextMessage();
    await subscriber.close();
    expect(await waiting).toBeUndefined();
  });
});

describe('Redis Streams shim', () => {
  // A consumer that starts after the producer finished reads every message from the stream.
  it('keeps every message for a late consumer', async () => {
    const topic = uniqueTopic('streams-late');
    const publisher = track(new RedisStreamPublisher(redisUrl()));
    for (const m of messages(3)) await publisher.sendMessage(topic, m);
    const subscriber = track(new RedisStreamSubscriber(redisUrl(), topic));
    expect(await read(subscriber, 3)).toEqual(['message_0', 'message_1', 'message_2']);
  });

  // A consumer that reconnects from the last id it read misses nothing and repeats nothing.
  it('resumes after the last message read', async () => {
    const topic = uniqueTopic('streams-resume');
    const publisher = track(new RedisStreamPublisher(redisUrl()));
    for (const m of messages(2)) await publisher.sendMessage(topic, m);
    const first = new RedisStreamSubscriber(redisUrl(), topic);
    expect(await read(first, 1)).toEqual(['message_0']);
    const lastId = first.lastId;
    await first.close();
    await publisher.sendMessage(topic, Buffer.from('message_2'));
    const again = track(new RedisStreamSubscriber(redisUrl(), topic, { from: lastId }));
    expect(await read(again, 2)).toEqual(['message_1', 'message_2']);
  });

  // `from: 'new'` reads only what is added after the read started; `maxLength` trims the stream.
  it('starts at new messages when asked, and trims to maxLength', async () => {
    const topic = uniqueTopic('streams-new');
    const publisher = track(new RedisStreamPublisher(redisUrl(), { maxLength: 2 }));
    await publisher.sendMessage(topic, Buffer.from('old'));
    const subscriber = track(new RedisStreamSubscriber(redisUrl(), topic, { from: 'new' }));
    const next = subscriber.nextMessage();
    // Publish only once the read is blocked on the server (the state lives in redis-server).
    await waitFor(async () => String(await admin.call('CLIENT', 'LIST')).includes('cmd=xread'), 'the XREAD is blocked on the server');
    await publisher.sendMessage(topic, Buffer.from('new'));
    expect(text(await next)).toBe('new');
    for (const m of messages(3)) await publisher.sendMessage(topic, m);
    expect(await admin.xlen(topic)).toBe(2);
  });

  // Members of a consumer group share the messages (each exactly once), and the end of the topic ends every member.
  it('shares a topic among a consumer group and ends every member', async () => {
    const topic = uniqueTopic('streams-group');
    const producer = new StreamProducer<number>(track(new RedisStreamPublisher(redisUrl())), { stores: { [topic]: fixture.store } });
    const members = ['a', 'b'].map((consumer) => new StreamConsumer<number>(track(new RedisStreamSubscriber(redisUrl(), topic, { group: 'workers', consumer, blockMs: 100 }))));
    const sharing = members.map(async (member) => {
      const got: number[] = [];
      for await (const value of member.iterObjects()) got.push(value);
      return got;
    });
    for (let i = 0; i < 20; i++) await producer.send(topic, i);
    await producer.closeTopics(topic);
    const [a, b] = await Promise.all(sharing);
    expect([...a!, ...b!].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  // A stream of proxies over Redis Streams: the consumer, started after the producer closed the topic, gets every object.
  it('carries a stream of proxies to a late consumer', async () => {
    const topic = uniqueTopic('streams-proxies');
    const producer = new StreamProducer<{ n: number }>(track(new RedisStreamPublisher(redisUrl())), { stores: { [topic]: fixture.store }, batchSize: 3 });
    for (let i = 0; i < 10; i++) await producer.send(topic, { n: i }, { metadata: { i } });
    await producer.closeTopics(topic);
    const consumer = new StreamConsumer<{ n: number }>(track(new RedisStreamSubscriber(redisUrl(), topic)));
    const seen: number[] = [];
    for await (const [metadata, proxy] of consumer.iterWithMetadata()) {
      expect(proxy.n).toBe(metadata.i);
      seen.push(proxy.n);
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});

describe('Redis pub/sub stream', () => {
  // The same stream over pub/sub, with the consumer subscribed first.
  it('carries a stream of proxies', async () => {
    const topic = uniqueTopic('pubsub-proxies');
    const subscriber = track(new RedisSubscriber(redisUrl(), topic));
    await subscriber.ready();
    const producer = new StreamProducer<string>(track(new RedisPublisher(redisUrl())), { stores: { [topic]: fixture.store } });
    for (const m of ['x', 'y', 'z']) await producer.send(topic, m);
    await producer.closeTopics(topic);
    const seen: string[] = [];
    for await (const p of new StreamConsumer<string>(subscriber)) seen.push(`${p}`);
    expect(seen).toEqual(['x', 'y', 'z']);
  });
});

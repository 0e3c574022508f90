/**
 * The mesh-native topic: Publish and Subscribe on a real peer over loopback, through the shim
 * (MeshTopicPublisher, MeshTopicSubscriber). Order, who gets what, the bounded buffer and the
 * waiting publisher, the token, the peer's limits and its shutdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LimitExceededError, InvalidArgumentError, PeerUnavailableError, PermissionDeniedError } from '../../src/errors.js';
import { Peer, type PeerOptions } from '../../src/mesh/server/peer.js';
import { existingTopics, type TopicStats, type TopicTable } from '../../src/mesh/server/topic-table.js';
import { MeshTopicPublisher, MeshTopicSubscriber } from '../../src/stream/shims/mesh-topic.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function peer(options: PeerOptions = {}): Promise<{ peer: Peer; topics: TopicTable }> {
  const started = await Peer.start({ sharedMemory: false, ...options });
  open.push(started);
  return { peer: started, topics: existingTopics(started.state)! };
}

function publisher(address: string, token?: string): MeshTopicPublisher {
  const made = new MeshTopicPublisher(address, { token });
  open.push(made);
  return made;
}

function subscriber(address: string, topic: string, token?: string): MeshTopicSubscriber {
  const made = new MeshTopicSubscriber(address, topic, { token });
  open.push(made);
  return made;
}

/** Resolves once the topic's stats satisfy `holds` (the table reports each change). */
function until(topics: TopicTable, topic: string, holds: (stats: TopicStats) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (holds(topics.stats(topic))) return resolve();
    const stop = topics.observe(() => {
      if (!holds(topics.stats(topic))) return;
      stop();
      resolve();
    });
  });
}

const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString();

describe('mesh topics (Publish, Subscribe)', () => {
  // Events published before anyone subscribed wait for the first subscriber, in order.
  it('keeps events for the first subscriber', async () => {
    const { peer: p, topics } = await peer();
    const pub = publisher(p.address);
    for (const m of ['a', 'b', 'c']) await pub.sendMessage('t', Buffer.from(m));
    expect(topics.stats('t')).toMatchObject({ events: 3, subscribers: 0 });
    const sub = subscriber(p.address, 't');
    expect([text(await sub.nextMessage()), text(await sub.nextMessage()), text(await sub.nextMessage())]).toEqual(['a', 'b', 'c']);
    // Handed over to the only subscriber: the peer keeps none of them.
    await until(topics, 't', (s) => s.events === 0);
  });

  // Every subscriber gets every event published while it is connected; one that joins later starts at the next event.
  it('gives each connected subscriber every event, a later one only what follows', async () => {
    const { peer: p, topics } = await peer();
    const pub = publisher(p.address);
    const first = subscriber(p.address, 't');
    await until(topics, 't', (s) => s.subscribers === 1);
    await pub.sendMessage('t', Buffer.from('one'));
    expect(text(await first.nextMessage())).toBe('one');
    const second = subscriber(p.address, 't');
    await until(topics, 't', (s) => s.subscribers === 2);
    await pub.sendMessage('t', Buffer.from('two'));
    expect(text(await first.nextMessage())).toBe('two');
    expect(text(await second.nextMessage())).toBe('two');
  });

  // A consumer that stops reading fills the topic's bounded buffer; the producer's send then waits (the peer
  // reports it waiting) and the peer holds no more than its limit; once the consumer reads, everything arrives in order.
  it('makes the publisher wait while a slow subscriber lets the buffer fill', async () => {
    const SIZE = 256 * 1024;
    // More than the topic's buffer plus what a paused subscription leaves in transit (about 10 MiB here).
    const COUNT = 128;
    const { peer: p, topics } = await peer({ topicEvents: 4, topicBytes: 4 * SIZE });
    const pub = publisher(p.address);
    const sub = subscriber(p.address, 't');
    await until(topics, 't', (s) => s.subscribers === 1);
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < COUNT; i++) {
        await pub.sendMessage('t', Buffer.alloc(SIZE, i % 256));
        sent = i + 1;
      }
    })();
    await until(topics, 't', (s) => s.waitingPublishers === 1);
    const held = topics.stats('t');
    expect(held.bytes).toBeLessThanOrEqual(4 * SIZE);
    expect(held.events).toBeLessThanOrEqual(4);
    expect(sent).toBeLessThan(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const event = await sub.nextMessage();
      expect(event?.byteLength).toBe(SIZE);
      expect(event?.[0]).toBe(i % 256);
    }
    await sending;
    expect(sent).toBe(COUNT);
  });

  // A peer started with a token refuses Publish and Subscribe without it, naming the peer; with it, events flow.
  it('requires the peer token', async () => {
    const { peer: p } = await peer({ token: 'sesame' });
    await expect(publisher(p.address, 'wrong').sendMessage('t', Buffer.from('x'))).rejects.toThrow(PermissionDeniedError);
    await expect(subscriber(p.address, 't', 'wrong').nextMessage()).rejects.toThrow(new RegExp(`Peer ${p.address} requires a token`));
    const sub = subscriber(p.address, 't', 'sesame');
    await publisher(p.address, 'sesame').sendMessage('t', Buffer.from('ok'));
    expect(text(await sub.nextMessage())).toBe('ok');
  });

  // An event over the peer's maximum object size and a bad topic name are refused with sentences naming topic and peer.
  it('applies the peer limits', async () => {
    const { peer: p } = await peer({ maxObjectBytes: 1024 });
    const pub = publisher(p.address);
    await expect(pub.sendMessage('t', Buffer.alloc(2048))).rejects.toThrow(LimitExceededError);
    await expect(pub.sendMessage('t', Buffer.alloc(2048))).rejects.toThrow(new RegExp(`topic "t" is over peer ${p.address}'s limit of 1024 bytes`));
    await expect(pub.sendMessage('', Buffer.from('x'))).rejects.toThrow(InvalidArgumentError);
    await expect(pub.sendMessage('x'.repeat(257), Buffer.from('x'))).rejects.toThrow(/a topic name must be 1 to 256 bytes/);
  });

  // At most 64 publishes wait on a full topic; the next is refused, and the waiting ones go in as room frees up.
  it('bounds the publishes waiting on a full topic', async () => {
    const { peer: p, topics } = await peer({ topicEvents: 1 });
    const pub = publisher(p.address);
    await pub.sendMessage('t', Buffer.from('fits'));
    const waiting = Array.from({ length: 64 }, (_, i) => pub.sendMessage('t', Buffer.from(`w${i}`)));
    await until(topics, 't', (s) => s.waitingPublishers === 64);
    await expect(pub.sendMessage('t', Buffer.from('refused'))).rejects.toThrow(/is full and 64 publishes already wait for room/);
    const sub = subscriber(p.address, 't');
    expect(text(await sub.nextMessage())).toBe('fits');
    for (let i = 0; i < 64; i++) expect(text(await sub.nextMessage())).toBe(`w${i}`);
    await Promise.all(waiting);
  });

  // All topics of a peer share a bound (four topics' bytes): a publish to a fifth topic waits until another drains.
  it('bounds the bytes of all topics together', async () => {
    const { peer: p, topics } = await peer({ topicBytes: 1024 });
    const pub = publisher(p.address);
    for (const t of ['t1', 't2', 't3', 't4']) await pub.sendMessage(t, Buffer.alloc(1024));
    const fifth = pub.sendMessage('t5', Buffer.alloc(1024));
    await until(topics, 't5', (s) => s.waitingPublishers === 1);
    const sub = subscriber(p.address, 't1');
    expect((await sub.nextMessage())?.byteLength).toBe(1024);
    await fifth;
    expect(topics.stats('t5').events).toBe(1);
  });

  // A subscriber that closes is forgotten by the peer, and an idle topic is dropped.
  it('frees a cancelled subscription', async () => {
    const { peer: p, topics } = await peer();
    const sub = subscriber(p.address, 't');
    await until(topics, 't', (s) => s.subscribers === 1);
    await sub.close();
    expect(await sub.nextMessage()).toBeUndefined();
    await until(topics, 't', (s) => s.subscribers === 0);
  });

  // A peer that shuts down ends its subscriptions and waiting publishes with PeerUnavailableError.
  it('ends subscribers and waiting publishers when the peer stops', async () => {
    const { peer: p, topics } = await peer({ topicEvents: 1 });
    const pub = publisher(p.address);
    await pub.sendMessage('full', Buffer.from('x'));
    const blocked = pub.sendMessage('full', Buffer.from('y'));
    const sub = subscriber(p.address, 'quiet');
    await until(topics, 'full', (s) => s.waitingPublishers === 1);
    await until(topics, 'quiet', (s) => s.subscribers === 1);
    const reading = expect(sub.nextMessage()).rejects.toThrow(/shutting down; its topics are gone/);
    const refused = expect(blocked).rejects.toThrow(PeerUnavailableError);
    await p.close();
    await refused;
    await reading;
  });
});

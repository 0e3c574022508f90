/**
 * Stream events, filters and the in-process queue shim: ProxyStore's events, filters and queue
 * tests, ported, plus the bounded queue that makes a producer wait.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { decodeBatch, encodeBatch, endsTopic, type EventBatch, type StreamEvent } from '../../src/stream/events.js';
import { nullFilter, samplingFilter } from '../../src/stream/filters.js';
import { MessageQueue, QueuePublisher, QueueSubscriber, queuePair } from '../../src/stream/shims/queue.js';

const config = { name: 'test', connector: { kind: 'test' } };
const end: StreamEvent = { kind: 'end' };
const object: StreamEvent = { kind: 'object', payload: { codec: 'bytes', data: new Uint8Array([1, 2, 3]) }, metadata: { a: 1 } };
const key: StreamEvent = { kind: 'key', key: { id: 'abc', n: 123 }, evict: true, metadata: {}, store: config };

describe('events', () => {
  const cases: [string, EventBatch][] = [
    ['end', { topic: 'topic', events: [end] }],
    ['object', { topic: 'topic', events: [object] }],
    ['key', { topic: 'topic', events: [key] }],
    ['mixed', { topic: 'topic', events: [object, key, object, end] }],
  ];
  for (const [name, batch] of cases) {
    // A batch comes back equal from its wire form, by-value bytes included.
    it(`round-trips a batch (${name})`, () => {
      const decoded = decodeBatch(encodeBatch(batch));
      expect(decoded.topic).toBe(batch.topic);
      expect(decoded.events.map((e) => (e.kind === 'object' ? { ...e, payload: { codec: e.payload.codec, data: [...e.payload.data] } } : e))).toEqual(
        batch.events.map((e) => (e.kind === 'object' ? { ...e, payload: { codec: e.payload.codec, data: [...e.payload.data] } } : e)),
      );
      expect(endsTopic(encodeBatch(batch))).toBe(name === 'end' || name === 'mixed');
    });
  }

  // A 1 MiB object travels as bytes after the header, not inflated into JSON.
  it('carries by-value bytes outside the JSON header', () => {
    const big: StreamEvent = { kind: 'object', payload: { codec: 'bytes', data: new Uint8Array(1 << 20).fill(7) }, metadata: {} };
    const bytes = encodeBatch({ topic: 't', events: [big] });
    expect(bytes.byteLength).toBeLessThan((1 << 20) + 200);
    const [decoded] = decodeBatch(bytes).events;
    expect(decoded?.kind === 'object' && decoded.payload.data.every((b) => b === 7)).toBe(true);
  });

  // Bytes that are not an event batch are refused with a sentence saying what to do.
  it('refuses malformed messages', () => {
    expect(() => decodeBatch(new Uint8Array([1]))).toThrow(InvalidArgumentError);
    expect(() => decodeBatch(Buffer.from('\u0000\u0000\u0000\u0002{}'))).toThrow(/lacks a topic/);
    const truncated = encodeBatch({ topic: 't', events: [object] }).subarray(0, -1);
    expect(() => decodeBatch(truncated)).toThrow(/runs past its end/);
    expect(() => decodeBatch(Buffer.from('\u0000\u0000\u0000\u0009not json!'))).toThrow(/Publish to this topic only with a StreamProducer/);
    expect(endsTopic(new Uint8Array([9, 9]))).toBe(false);
  });
});

describe('filters', () => {
  // The null filter drops nothing.
  it('null filter keeps everything', () => {
    expect(nullFilter({})).toBe(false);
    expect(nullFilter({ field: true })).toBe(false);
  });

  // The sampling filter drops when the random draw is at most p.
  it('sampling filter drops with probability p', () => {
    expect(samplingFilter(0.2, () => 0.1)({})).toBe(true);
    expect(samplingFilter(0.2, () => 0.1)({ field: true })).toBe(true);
    expect(samplingFilter(0.2, () => 0.3)({})).toBe(false);
  });

  // A probability outside [0, 1] is refused.
  it('sampling filter refuses a bad p', () => {
    expect(() => samplingFilter(-1)).toThrow(/\[0, 1\]/);
    expect(() => samplingFilter(1.1)).toThrow(/\[0, 1\]/);
    expect(() => samplingFilter(Number.NaN)).toThrow(InvalidArgumentError);
  });
});

describe('queue shim', () => {
  // A topic without a queue is refused, naming the topic and the topics there are.
  it('refuses an unknown topic', async () => {
    const publisher = new QueuePublisher({ default: new MessageQueue() });
    await expect(publisher.sendMessage('other', new Uint8Array([1]))).rejects.toThrow('Unknown topic "other": this QueuePublisher has queues for "default"');
  });

  // Closing the publisher ends the subscriber after what was left.
  it('ends the subscriber when the publisher closes', async () => {
    const { publisher, subscriber } = queuePair('default');
    await publisher.sendMessage('default', Buffer.from('last'));
    await publisher.close();
    expect(Buffer.from((await subscriber.nextMessage())!).toString()).toBe('last');
    expect(await subscriber.nextMessage()).toBeUndefined();
  });

  // Messages arrive in order.
  it('sends messages in order', async () => {
    const { publisher, subscriber } = queuePair('default');
    const messages = Array.from({ length: 10 }, (_, i) => Buffer.from(`message-${i}`));
    const received = (async () => {
      const out: string[] = [];
      for (let m = await subscriber.nextMessage(); m !== undefined; m = await subscriber.nextMessage()) out.push(Buffer.from(m).toString());
      return out;
    })();
    for (const m of messages) await publisher.sendMessage('default', m);
    await publisher.close();
    expect(await received).toEqual(messages.map(String));
  });

  // A full queue makes sendMessage wait until the subscriber takes a message.
  it('makes the publisher wait while the queue is full', async () => {
    const queue = new MessageQueue(2);
    const publisher = new QueuePublisher({ t: queue });
    const subscriber = new QueueSubscriber(queue);
    await publisher.sendMessage('t', Buffer.from('1'));
    await publisher.sendMessage('t', Buffer.from('2'));
    let third = false;
    const sending = publisher.sendMessage('t', Buffer.from('3')).then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    expect(queue.size).toBe(2);
    expect(Buffer.from((await subscriber.nextMessage())!).toString()).toBe('1');
    await sending;
    expect(queue.size).toBe(2);
  });
});

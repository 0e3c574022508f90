/**
 * Redis Streams as a stream broker: XADD appends each message to a stream named after the topic,
 * and readers follow it with XREAD, or share it with XREADGROUP. A stream keeps its messages, so
 * a consumer that starts late reads from the beginning, and one that reconnects resumes after
 * the last message it read (`lastId`). In a consumer group each message goes to one member;
 * the topic's end reaches every member (one reads it, the others find it once the group has
 * nothing left for them). Memory: Redis holds every message until trimmed; pass `maxLength`
 * to trim and accept that a consumer further behind than that misses messages.
 * @module
 */
import type { Redis } from 'ioredis';
import { encodeBatch, endsTopic } from '../events.js';
import type { Publisher, Subscriber } from '../protocols.js';
import { connectRedis, disconnectRedis, type RedisTarget } from './redis-connection.js';

/** Options of `RedisStreamPublisher`. */
export interface RedisStreamPublisherOptions {
  /** Trim each stream to this many messages (XADD MAXLEN). Default: keep every message. */
  readonly maxLength?: number | undefined;
}

/** Appends messages with XADD. */
export class RedisStreamPublisher implements Publisher {
  readonly #client: Redis;

  /**
   * @param target - the server: its `redis://` URL.
   * @param options - `maxLength`.
   */
  constructor(
    target: RedisTarget,
    private readonly options: RedisStreamPublisherOptions = {},
  ) {
    this.#client = connectRedis(target, 'proxymesh-stream-publisher');
  }

  async sendMessage(topic: string, message: Uint8Array): Promise<void> {
    const data = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    const trim = this.options.maxLength === undefined ? [] : ['MAXLEN', this.options.maxLength];
    await this.#client.callBuffer('XADD', topic, ...trim, '*', 'm', data);
  }

  async close(): Promise<void> {
    await this.#client.quit().catch(() => undefined);
  }
}

/** Options of `RedisStreamSubscriber`. */
export interface RedisStreamSubscriberOptions {
  /**
   * Where a reader without a group starts: `'start'` (every message the stream holds, the
   * default), `'new'` (messages added from now on), or a message id (after it: a `lastId`).
   */
  readonly from?: string | undefined;
  /** Share the topic with the other members of this consumer group: each message goes to one. */
  readonly group?: string | undefined;
  /** This member's name in the group. Default: a random one. */
  readonly consumer?: string | undefined;
  /** How long a group member blocks before it checks whether the topic has ended. Default 1,000 ms. */
  readonly blockMs?: number | undefined;
}

type Items = [Buffer, Buffer[]][];

/**
 * The entries of an XREAD or XREADGROUP reply, in either form a server sends: RESP2's list of
 * [stream, entries] pairs, or RESP3's map, which ioredis flattens to [stream, entries, ...].
 */
function itemsOf(reply: unknown): Items {
  if (!Array.isArray(reply)) return [];
  if (Buffer.isBuffer(reply[0])) return reply.filter((_, i) => i % 2 === 1).flat() as Items;
  return (reply as [Buffer, Items][]).flatMap(([, items]) => items);
}

/** Reads a topic's stream with XREAD, or as a member of a consumer group with XREADGROUP. */
export class RedisStreamSubscriber implements Subscriber {
  readonly #client: Redis;
  readonly #messages: { id: string; data: Buffer }[] = [];
  #lastId: string;
  #closed = false;
  #group: Promise<unknown> | undefined;
  readonly #consumer: string;

  /**
   * @param target - the server: its `redis://` URL.
   * @param topic - the topic (the stream's key).
   * @param options - where to start, or which group to join.
   */
  constructor(
    target: RedisTarget,
    readonly topic: string,
    private readonly options: RedisStreamSubscriberOptions = {},
  ) {
    // Its own connection: a blocking read holds it.
    this.#client = connectRedis(target, 'proxymesh-stream-subscriber');
    const from = options.from ?? 'start';
    this.#lastId = from === 'start' ? '0' : from === 'new' ? '$' : from;
    this.#consumer = options.consumer ?? `consumer-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  }

  /** The id of the last message read: pass it as `from` to resume there. */
  get lastId(): string {
    return this.#lastId;
  }

  /**
   * @throws the connection's error (ioredis reconnects by itself first).
   */
  async nextMessage(): Promise<Uint8Array | undefined> {
    while (!this.#closed) {
      const next = this.#messages.shift();
      if (next !== undefined) {
        this.#lastId = next.id;
        return next.data;
      }
      try {
        if (this.options.group === undefined) await this.#read();
        else if (await this.#readGroup(this.options.group)) return encodeBatch({ topic: this.topic, events: [{ kind: 'end' }] });
      } catch (error) {
        if (this.#closed) return undefined;
        throw error;
      }
    }
    return undefined;
  }

  #take(reply: unknown): void {
    for (const [id, fields] of itemsOf(reply)) {
      const at = fields.findIndex((f, i) => i % 2 === 0 && f.toString() === 'm');
      const data = fields[at + 1];
      if (at >= 0 && data !== undefined) this.#messages.push({ id: id.toString(), data });
    }
  }

  async #read(): Promise<void> {
    this.#take(await this.#client.callBuffer('XREAD', 'COUNT', 64, 'BLOCK', 0, 'STREAMS', this.topic, this.#lastId));
  }

  /** One XREADGROUP; true when the group has nothing left and the topic has ended. */
  async #readGroup(group: string): Promise<boolean> {
    this.#group ??= this.#client.call('XGROUP', 'CREATE', this.topic, group, '0', 'MKSTREAM').catch((error: Error) => {
      if (!error.message.includes('BUSYGROUP')) throw error;
    });
    await this.#group;
    this.#take(await this.#client.callBuffer('XREADGROUP', 'GROUP', group, this.#consumer, 'COUNT', 1, 'BLOCK', this.options.blockMs ?? 1_000, 'STREAMS', this.topic, '>'));
    // Handed over as soon as read: a member that dies holds nothing back from the others.
    for (const { id } of this.#messages) await this.#client.call('XACK', this.topic, group, id);
    if (this.#messages.length > 0) return false;
    const last = (await this.#client.callBuffer('XREVRANGE', this.topic, '+', '-', 'COUNT', 1)) as Items;
    const fields = last[0]?.[1];
    return fields !== undefined && endsTopic(fields[1] ?? Buffer.alloc(0));
  }

  close(): Promise<void> {
    this.#closed = true;
    disconnectRedis(this.#client);
    return Promise.resolve();
  }
}

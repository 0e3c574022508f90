/**
 * The topics a peer holds for the contract's Publish and Subscribe: per topic, a bounded buffer
 * of opaque events and the cursors of its subscribers. No gRPC here (topic-service.ts serves it).
 *
 * The memory policy: a topic keeps the events some current subscriber has not yet been handed
 * (or, with no subscriber, every event since the last one was handed over), at most `maxEvents`
 * and `maxBytes`. A publish that does not fit waits until subscribers make room; at most
 * `MAX_WAITING_PUBLISHERS` may wait, so a slow consumer costs the peer one buffer per topic plus
 * the waiting events, never an unbounded queue.
 * @module
 */
import { InvalidArgumentError, LimitExceededError, PeerUnavailableError } from '../errors.js';
import { Subscription } from './topic-subscription.js';

/** How much one topic may hold. */
export interface TopicLimits {
  /** Most events a topic buffers. */
  readonly maxEvents: number;
  /** Most event bytes a topic buffers (one larger event is still taken into an empty buffer). */
  readonly maxBytes: number;
  /** Largest event accepted: the peer's maximum object size. */
  readonly maxEventBytes: number;
}

/** Buffer sizes a peer uses when not told otherwise. */
export const DEFAULT_TOPIC_EVENTS = 1_024;
export const DEFAULT_TOPIC_BYTES = 64 * 1024 * 1024;
/** Publishes that may wait on one full topic; past it, RESOURCE_EXHAUSTED. */
export const MAX_WAITING_PUBLISHERS = 64;
/** Subscribers one topic may have; past it, RESOURCE_EXHAUSTED. */
export const MAX_SUBSCRIBERS = 1_024;
const MAX_TOPIC_NAME_BYTES = 256;

/** A peer's options for its topics (part of `PeerOptions`). */
export interface TopicOptions {
  /** Most events one topic buffers before Publish waits. Default 1,024. */
  readonly topicEvents?: number | undefined;
  /** Most event bytes one topic buffers before Publish waits. Default 64 MiB. */
  readonly topicBytes?: number | undefined;
}

/** The limits of a peer's topics from its options. */
export function topicLimits(options: TopicOptions, maxObjectBytes: number): TopicLimits {
  return { maxEvents: options.topicEvents ?? DEFAULT_TOPIC_EVENTS, maxBytes: options.topicBytes ?? DEFAULT_TOPIC_BYTES, maxEventBytes: maxObjectBytes };
}

/** What one topic holds now, for tests and operators. */
export interface TopicStats {
  readonly events: number;
  readonly bytes: number;
  readonly subscribers: number;
  readonly waitingPublishers: number;
}

/** One buffered event. */
export interface TopicEvent {
  readonly sequence: bigint;
  readonly event: Uint8Array;
}

interface WaitingPublish {
  readonly event: Uint8Array;
  readonly resolve: (sequence: bigint) => void;
  readonly reject: (error: Error) => void;
}

/** One topic: events in order from `#first`, and who reads them. */
class Topic {
  readonly #events: TopicEvent[] = [];
  /** Sequence of `#events[0]`, or of the next event when the buffer is empty. */
  #first = 1n;
  #bytes = 0;
  readonly subscribers = new Set<Subscription>();
  readonly waiting: WaitingPublish[] = [];

  constructor(
    readonly name: string,
    private readonly limits: TopicLimits,
  ) {}

  /** Sequence number of the oldest buffered event (of the next one, when none is). */
  get first(): bigint {
    return this.#first;
  }

  /** Sequence number the next published event gets. */
  get next(): bigint {
    return this.#first + BigInt(this.#events.length);
  }

  get idle(): boolean {
    return this.#events.length === 0 && this.subscribers.size === 0 && this.waiting.length === 0;
  }

  stats(): TopicStats {
    return { events: this.#events.length, bytes: this.#bytes, subscribers: this.subscribers.size, waitingPublishers: this.waiting.length };
  }

  /** Whether `size` more bytes fit now (an empty buffer takes any event the peer accepts). */
  fits(size: number): boolean {
    if (this.#events.length === 0) return true;
    return this.#events.length < this.limits.maxEvents && this.#bytes + size <= this.limits.maxBytes;
  }

  append(event: Uint8Array): bigint {
    const sequence = this.next;
    this.#events.push({ sequence, event });
    this.#bytes += event.byteLength;
    for (const subscriber of this.subscribers) subscriber.wake();
    return sequence;
  }

  /** The event at `sequence`, if it is buffered. */
  at(sequence: bigint): TopicEvent | undefined {
    return this.#events[Number(sequence - this.#first)];
  }

  /** Drops what every subscriber has been handed, then lets waiting publishes in. */
  trim(): void {
    if (this.subscribers.size > 0) {
      let oldest = this.next;
      for (const s of this.subscribers) if (s.cursor < oldest) oldest = s.cursor;
      while (this.#first < oldest) {
        const dropped = this.#events.shift();
        if (dropped === undefined) break;
        this.#bytes -= dropped.event.byteLength;
        this.#first += 1n;
      }
    }
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.event.byteLength)) {
      const admitted = this.waiting.shift()!;
      admitted.resolve(this.append(admitted.event));
    }
  }
}

/** Every topic of one peer. */
export class TopicTable {
  readonly #topics = new Map<string, Topic>();
  readonly #observers = new Set<() => void>();
  #closed: Error | undefined;

  /**
   * @param peer - the peer's advertised address (read when an error names it).
   * @param limits - how much each topic may hold.
   */
  constructor(
    private readonly peer: () => string,
    readonly limits: TopicLimits,
  ) {}

  #topic(name: string): Topic {
    if (this.#closed !== undefined) throw this.#closed;
    const size = Buffer.byteLength(name);
    if (size === 0 || size > MAX_TOPIC_NAME_BYTES) {
      throw new InvalidArgumentError(`Topic name ${JSON.stringify(name.slice(0, 80))} on peer ${this.peer()} is ${size} bytes; a topic name must be 1 to ${MAX_TOPIC_NAME_BYTES} bytes of UTF-8.`);
    }
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      topic = new Topic(name, this.limits);
      this.#topics.set(name, topic);
    }
    return topic;
  }

  #release(topic: Topic): void {
    if (topic.idle) this.#topics.delete(topic.name);
    this.#changed();
  }

  #changed(): void {
    for (const observer of this.#observers) observer();
  }

  /**
   * Calls `observer` after each change of what a topic holds (for tests and operators, which
   * wait for a state instead of polling).
   * @returns a function that stops the calls.
   */
  observe(observer: () => void): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /**
   * Appends an event, waiting while the topic's buffer is full.
   * @returns the event's sequence number.
   * @throws InvalidArgumentError for a bad topic name; LimitExceededError for an event over the
   * maximum size or too many waiting publishes; PeerUnavailableError when the peer shuts down.
   */
  publish(name: string, event: Uint8Array, signal?: AbortSignal): Promise<bigint> {
    const topic = this.#topic(name);
    if (event.byteLength > this.limits.maxEventBytes) {
      this.#release(topic);
      throw new LimitExceededError(`An event of ${event.byteLength} bytes for topic "${name}" is over peer ${this.peer()}'s limit of ${this.limits.maxEventBytes} bytes (maximum object size). Put the object in a store and publish its key instead.`);
    }
    if (topic.waiting.length === 0 && topic.fits(event.byteLength)) {
      const sequence = topic.append(event);
      this.#changed();
      return Promise.resolve(sequence);
    }
    if (topic.waiting.length >= MAX_WAITING_PUBLISHERS) {
      throw new LimitExceededError(`Topic "${name}" on peer ${this.peer()} is full and ${topic.waiting.length} publishes already wait for room: its subscribers are not keeping up. Publish from fewer places at once, or wait for each publish to finish.`);
    }
    const waited = new Promise<bigint>((resolve, reject) => {
      const entry: WaitingPublish = { event, resolve, reject };
      topic.waiting.push(entry);
      signal?.addEventListener('abort', () => {
        const at = topic.waiting.indexOf(entry);
        if (at < 0) return;
        topic.waiting.splice(at, 1);
        reject(new PeerUnavailableError(`The publish to topic "${name}" on peer ${this.peer()} was cancelled while it waited for room.`));
        this.#release(topic);
      }, { once: true });
    });
    this.#changed();
    return waited;
  }

  /**
   * A new reader of the topic: from the oldest buffered event when it is the only one, else
   * from the next event published.
   * @throws InvalidArgumentError for a bad topic name; LimitExceededError past `MAX_SUBSCRIBERS`.
   */
  subscribe(name: string): Subscription {
    const topic = this.#topic(name);
    if (topic.subscribers.size >= MAX_SUBSCRIBERS) {
      throw new LimitExceededError(`Topic "${name}" on peer ${this.peer()} already has ${MAX_SUBSCRIBERS} subscribers. Share a subscription, or spread consumers over topics.`);
    }
    const start = topic.subscribers.size === 0 ? topic.first : topic.next;
    const subscription: Subscription = new Subscription(start, {
      at: (sequence) => topic.at(sequence),
      taken: () => {
        topic.trim();
        this.#changed();
      },
      leave: () => {
        topic.subscribers.delete(subscription);
        topic.trim();
        this.#release(topic);
      },
    });
    topic.subscribers.add(subscription);
    this.#changed();
    return subscription;
  }

  /** What a topic holds now (zeros for a topic the peer does not hold). */
  stats(name: string): TopicStats {
    return this.#topics.get(name)?.stats() ?? { events: 0, bytes: 0, subscribers: 0, waitingPublishers: 0 };
  }

  /** The peer is shutting down: waiting publishes and subscriptions end with UNAVAILABLE. */
  close(): void {
    if (this.#closed !== undefined) return;
    this.#closed = new PeerUnavailableError(`Peer ${this.peer()} is shutting down; its topics are gone. Publish to or subscribe at a running peer.`);
    for (const topic of this.#topics.values()) {
      for (const waiting of topic.waiting.splice(0)) waiting.reject(this.#closed);
      for (const subscriber of topic.subscribers) subscriber.end(this.#closed);
    }
    this.#topics.clear();
  }
}

/** The topic tables of the peers in this process, by their state. */
const tables = new WeakMap<object, TopicTable>();

/** The topic table of a peer, made on first use with `limits`. */
export function topicsOf(state: object, make: () => TopicTable): TopicTable {
  let table = tables.get(state);
  if (table === undefined) {
    table = make();
    tables.set(state, table);
  }
  return table;
}

/** The topic table of a peer, when it has one. */
export function existingTopics(state: object): TopicTable | undefined {
  return tables.get(state);
}

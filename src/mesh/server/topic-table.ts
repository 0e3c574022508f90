/**
 * The topics a peer holds for the contract's Publish and Subscribe: per topic, a bounded buffer
 * of opaque events and the cursors of its subscribers. No gRPC here (topic-service.ts serves it).
 *
 * The memory policy: a topic keeps the events some current subscriber has not yet been handed
 * (or, with no subscriber, every event since the last one was handed over), at most `maxEvents`
 * and `maxBytes`, and all topics together at most four topics' bytes (so topics made up on the
 * spot cannot add up without bound). A publish that does not fit waits until subscribers make
 * room; at most `MAX_WAITING_PUBLISHERS` may wait per topic, so a slow consumer costs the peer
 * a bounded buffer plus the waiting events, never an unbounded queue.
 * @module
 */
import { InvalidArgumentError, LimitExceededError, PeerUnavailableError } from '../../errors.js';
import { Subscription } from './topic-subscription.js';
import { Topic, type SharedRoom, type TopicLimits, type TopicStats, type WaitingPublish } from './topic-buffer.js';

export type { TopicLimits, TopicStats } from './topic-buffer.js';

/** Buffer sizes a peer uses when not told otherwise. */
export const DEFAULT_TOPIC_EVENTS = 1_024;
export const DEFAULT_TOPIC_BYTES = 64 * 1024 * 1024;
/** All topics of a peer together hold at most this many times one topic's bytes. */
const TOTAL_TOPIC_BYTES_FACTOR = 4;
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
  const maxBytes = options.topicBytes ?? DEFAULT_TOPIC_BYTES;
  return { maxEvents: options.topicEvents ?? DEFAULT_TOPIC_EVENTS, maxBytes, maxEventBytes: maxObjectBytes, maxTotalBytes: TOTAL_TOPIC_BYTES_FACTOR * maxBytes };
}

/** Every topic of one peer. */
export class TopicTable {
  readonly #topics = new Map<string, Topic>();
  readonly #room: SharedRoom = { bytes: 0 };
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
      topic = new Topic(name, this.limits, this.#room);
      this.#topics.set(name, topic);
    }
    return topic;
  }

  /** Room was freed in `topic`: its waiting publishes go first, then other topics' (the room is shared). */
  #freed(topic: Topic): void {
    topic.trim();
    topic.admit();
    for (const other of this.#topics.values()) if (other !== topic && other.waiting.length > 0) other.admit();
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
        this.#freed(topic);
        this.#changed();
      },
      leave: () => {
        topic.subscribers.delete(subscription);
        this.#freed(topic);
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

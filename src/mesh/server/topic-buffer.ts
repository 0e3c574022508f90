/**
 * One topic's buffer (topic-table.ts holds a peer's topics): its events in order, the cursors of
 * its subscribers and the publishes waiting for room, within its own limits and the room all of
 * a peer's topics share.
 * @module
 */
import type { Subscription } from './topic-subscription.js';

/** How much one topic may hold. */
export interface TopicLimits {
  /** Most events a topic buffers. */
  readonly maxEvents: number;
  /** Most event bytes a topic buffers (one larger event is still taken into an empty buffer). */
  readonly maxBytes: number;
  /** Largest event accepted: the peer's maximum object size. */
  readonly maxEventBytes: number;
  /** Most event bytes all of the peer's topics buffer together. */
  readonly maxTotalBytes: number;
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

export interface WaitingPublish {
  readonly event: Uint8Array;
  readonly resolve: (sequence: bigint) => void;
  readonly reject: (error: Error) => void;
}

/** Bytes buffered by all of a peer's topics. */
export interface SharedRoom {
  bytes: number;
}

/** One topic: events in order from `#first`, and who reads them. */
export class Topic {
  readonly #events: TopicEvent[] = [];
  /** Sequence of `#events[0]`, or of the next event when the buffer is empty. */
  #first = 1n;
  #bytes = 0;
  readonly subscribers = new Set<Subscription>();
  readonly waiting: WaitingPublish[] = [];

  constructor(
    readonly name: string,
    private readonly limits: TopicLimits,
    private readonly room: SharedRoom,
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

  /**
   * Whether `size` more bytes fit now, in this topic and in all topics together. An event the
   * peer accepts always goes into an empty buffer when the peer's topics hold nothing else.
   */
  fits(size: number): boolean {
    if (this.room.bytes === 0) return true;
    if (this.room.bytes + size > this.limits.maxTotalBytes) return false;
    if (this.#events.length === 0) return true;
    return this.#events.length < this.limits.maxEvents && this.#bytes + size <= this.limits.maxBytes;
  }

  append(event: Uint8Array): bigint {
    const sequence = this.next;
    this.#events.push({ sequence, event });
    this.#bytes += event.byteLength;
    this.room.bytes += event.byteLength;
    for (const subscriber of this.subscribers) subscriber.wake();
    return sequence;
  }

  /** The event at `sequence`, if it is buffered. */
  at(sequence: bigint): TopicEvent | undefined {
    return this.#events[Number(sequence - this.#first)];
  }

  /** Drops what every subscriber has been handed. */
  trim(): void {
    if (this.subscribers.size > 0) {
      let oldest = this.next;
      for (const s of this.subscribers) if (s.cursor < oldest) oldest = s.cursor;
      while (this.#first < oldest) {
        const dropped = this.#events.shift();
        if (dropped === undefined) break;
        this.#bytes -= dropped.event.byteLength;
        this.room.bytes -= dropped.event.byteLength;
        this.#first += 1n;
      }
    }
  }

  /** Lets waiting publishes in, in order, while they fit. */
  admit(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.event.byteLength)) {
      const admitted = this.waiting.shift()!;
      admitted.resolve(this.append(admitted.event));
    }
  }
}


/**
 * An in-process broker: a bounded queue per topic. For tests and for producers and consumers in
 * one process. A full queue makes `sendMessage` wait until the consumer takes a message.
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Publisher, Subscriber } from '../protocols.js';

/** A FIFO of messages with room for `capacity`; `put` waits while it is full. */
export class MessageQueue {
  readonly #messages: Uint8Array[] = [];
  readonly #takers: ((message: Uint8Array | undefined) => void)[] = [];
  readonly #putters: (() => void)[] = [];
  #closed = false;

  /** @param capacity - most messages held before `put` waits. Default: no limit. */
  constructor(readonly capacity: number = Number.POSITIVE_INFINITY) {}

  /** Messages held now. */
  get size(): number {
    return this.#messages.length;
  }

  /**
   * Adds a message, waiting while the queue is full.
   * @throws InvalidArgumentError when the queue is closed.
   */
  async put(message: Uint8Array): Promise<void> {
    while (this.#messages.length >= this.capacity && !this.#closed) await new Promise<void>((resolve) => this.#putters.push(resolve));
    if (this.#closed) throw new InvalidArgumentError('The message queue is closed; nothing more can be put into it. Make a new queue.');
    const taker = this.#takers.shift();
    if (taker !== undefined) taker(message);
    else this.#messages.push(message);
  }

  /** The next message, waiting for one; `undefined` once the queue is closed and empty. */
  async get(): Promise<Uint8Array | undefined> {
    const message = this.#messages.shift();
    if (message !== undefined) {
      this.#putters.shift()?.();
      return message;
    }
    if (this.#closed) return undefined;
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** No more puts; readers get what is left, then `undefined`. */
  close(): void {
    this.#closed = true;
    for (const taker of this.#takers.splice(0)) taker(undefined);
    for (const putter of this.#putters.splice(0)) putter();
  }
}

/** Publishes to in-process queues, one per topic. */
export class QueuePublisher implements Publisher {
  /** @param queues - the queue of each topic this publisher may send to. */
  constructor(readonly queues: Readonly<Record<string, MessageQueue>>) {}

  /**
   * @throws InvalidArgumentError for a topic without a queue.
   */
  async sendMessage(topic: string, message: Uint8Array): Promise<void> {
    const queue = Object.hasOwn(this.queues, topic) ? this.queues[topic] : undefined;
    if (queue === undefined) {
      throw new InvalidArgumentError(`Unknown topic "${topic}": this QueuePublisher has queues for ${Object.keys(this.queues).map((t) => `"${t}"`).join(', ') || 'no topic'}. Give it a queue for the topic.`);
    }
    return queue.put(message);
  }

  /** Closes the queues: their subscribers read what is left, then end. */
  close(): Promise<void> {
    for (const queue of Object.values(this.queues)) queue.close();
    return Promise.resolve();
  }
}

/** Reads one in-process queue. */
export class QueueSubscriber implements Subscriber {
  #closed = false;

  /** @param queue - the topic's queue. */
  constructor(readonly queue: MessageQueue) {}

  async nextMessage(): Promise<Uint8Array | undefined> {
    return this.#closed ? undefined : this.queue.get();
  }

  /** Stops reading (the queue stays open for its publisher). */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

/** What `queuePair` makes. */
export interface QueuePair {
  /** Publishes to the topic's queue. */
  readonly publisher: QueuePublisher;
  /** Reads the topic's queue. */
  readonly subscriber: QueueSubscriber;
  /** The queue itself. */
  readonly queue: MessageQueue;
}

/**
 * A publisher and a subscriber over one new queue for `topic`.
 * @param topic - the topic.
 * @param capacity - the queue's room before `sendMessage` waits. Default: no limit.
 * @returns the publisher, the subscriber and the queue.
 */
export function queuePair(topic: string, capacity?: number): QueuePair {
  const queue = new MessageQueue(capacity);
  return { publisher: new QueuePublisher({ [topic]: queue }), subscriber: new QueueSubscriber(queue), queue };
}

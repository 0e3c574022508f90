/**
 * One subscriber's place in a topic (topic-table.ts): a cursor on the topic's buffer, and a
 * wake-up for when an event arrives. The Subscribe handler takes events one at a time and
 * advances past each once it is written to the stream, which is what lets the topic drop it.
 * @module
 */
import type { TopicEvent } from './topic-buffer.js';

/** What a subscription asks of its topic. */
export interface SubscriptionHooks {
  /** The buffered event at a sequence number, if there is one yet. */
  at(sequence: bigint): TopicEvent | undefined;
  /** The subscriber has been handed one more event (the topic may drop what all have). */
  taken(): void;
  /** The subscriber is gone. */
  leave(): void;
}

/** A subscriber's cursor on its topic. */
export class Subscription {
  #wake: (() => void) | undefined;
  #ended: Error | undefined;
  #left = false;

  constructor(
    /** Sequence number of the next event this subscriber gets. */
    public cursor: bigint,
    private readonly hooks: SubscriptionHooks,
  ) {}

  /**
   * The event at the cursor, once there is one; `undefined` once the subscriber has left.
   * @throws the error the topic ended with (the peer shutting down).
   */
  async next(): Promise<TopicEvent | undefined> {
    for (;;) {
      if (this.#ended !== undefined) throw this.#ended;
      if (this.#left) return undefined;
      const event = this.hooks.at(this.cursor);
      if (event !== undefined) return event;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** The event at the cursor has been handed over. */
  advance(): void {
    this.cursor += 1n;
    this.hooks.taken();
  }

  /** An event was published (or the subscription ended): look again. */
  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** The topic is gone: `next` throws `error`. */
  end(error: Error): void {
    this.#ended = error;
    this.wake();
  }

  /** The subscriber has gone (its call was cancelled). Idempotent. */
  leave(): void {
    if (this.#left) return;
    this.#left = true;
    this.hooks.leave();
    this.wake();
  }
}

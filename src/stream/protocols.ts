/**
 * What a stream needs from a message broker ("shim"): a publisher that sends a topic's messages
 * in order, and a subscriber that reads them back. Messages are encoded event batches
 * (events.ts), opaque to the broker; objects never travel through it when the topic has a store.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';

/** Metadata sent with an object: what filters and consumers look at without resolving it. */
export type StreamMetadata = { readonly [field: string]: JsonValue };

/**
 * Decides from an object's metadata whether to drop it: `true` drops. A producer's filter drops
 * before anything is stored; a consumer's drops on arrival (and evicts an object sent with `evict`).
 */
export type Filter = (metadata: StreamMetadata) => boolean;

/** Sends messages to topics of a broker. */
export interface Publisher {
  /**
   * Sends one message to a topic, after every message sent before it.
   * @param topic - the topic.
   * @param message - the bytes, which the caller does not change afterwards.
   * @returns once the broker holds the message; it waits while the broker is full (backpressure).
   */
  sendMessage(topic: string, message: Uint8Array): Promise<void>;
  /** Releases the broker connection. Idempotent. */
  close(): Promise<void>;
}

/** Reads the messages of a topic from a broker, in order. */
export interface Subscriber {
  /**
   * The next message, waiting for one.
   * @returns the bytes; `undefined` once the subscriber is closed.
   */
  nextMessage(): Promise<Uint8Array | undefined>;
  /** Stops reading and releases the broker connection; a waiting `nextMessage` returns `undefined`. Idempotent. */
  close(): Promise<void>;
}

/**
 * The mesh as a stream broker: a topic lives on one peer (usually the producer's own), producers
 * send with the contract's Publish and consumers follow it with Subscribe. No broker process:
 * the events go from the peer that holds the topic straight to each subscriber, and the objects
 * from their owner to whoever resolves a proxy.
 *
 * Memory: the peer buffers at most `topicEvents` events and `topicBytes` bytes per topic (its
 * options). A subscriber that is not read stops taking events after a fixed amount in transit
 * (a few events in hand, grpc-js's 16, and its connection's 4 MiB receive window), so a slow
 * consumer fills the peer's buffer and then `sendMessage` waits for room. Nothing grows
 * without bound.
 * @module
 */
import { TopicClient, type TopicClientOptions, type TopicSubscription } from '../../mesh/topic-client.js';
import type { Publisher, Subscriber } from '../protocols.js';

/** Publishes to topics held by one peer. */
export class MeshTopicPublisher implements Publisher {
  readonly #client: TopicClient;

  /**
   * @param peer - the address of the peer that holds the topics, "host:port" (e.g. `peer.address`).
   * @param options - the peer's token and TLS.
   * @throws InvalidArgumentError when the TLS files cannot be read.
   */
  constructor(peer: string, options: TopicClientOptions = {}) {
    this.#client = new TopicClient(peer, options);
  }

  /**
   * @throws LimitExceededError for a message over the peer's maximum object size, or too many
   * publishers waiting on a full topic; PeerUnavailableError when the peer is gone.
   */
  async sendMessage(topic: string, message: Uint8Array): Promise<void> {
    await this.#client.publish(topic, message);
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }
}

/** Follows one topic held by a peer. */
export class MeshTopicSubscriber implements Subscriber {
  readonly #client: TopicClient;
  readonly #subscription: TopicSubscription;

  /**
   * Subscribes at once: events published from now on (or, if this is the topic's only
   * subscriber, every event the peer still holds) arrive in order.
   * @param peer - the address of the peer that holds the topic.
   * @param topic - the topic.
   * @param options - the peer's token and TLS.
   */
  constructor(peer: string, topic: string, options: TopicClientOptions = {}) {
    this.#client = new TopicClient(peer, options);
    this.#subscription = this.#client.subscribe(topic);
  }

  /**
   * @throws PeerUnavailableError when the peer shut down or cannot be reached; PermissionDeniedError for a wrong token.
   */
  nextMessage(): Promise<Uint8Array | undefined> {
    return this.#subscription.next();
  }

  close(): Promise<void> {
    this.#subscription.close();
    this.#client.close();
    return Promise.resolve();
  }
}

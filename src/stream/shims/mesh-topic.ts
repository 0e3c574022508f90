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
import type { TopicClient, TopicClientOptions, TopicSubscription } from '../../mesh/client/topic-client.js';
import type { Publisher, Subscriber } from '../protocols.js';

/**
 * A client of the peer, its gRPC code loaded on first use: importing the package loads none.
 * Its failure (unreadable TLS files) surfaces at the first call, not as an unhandled rejection.
 */
function openClient(peer: string, options: TopicClientOptions): Promise<TopicClient> {
  const client = import('../../mesh/client/topic-client.js').then(({ TopicClient: Client }) => new Client(peer, options));
  client.catch(() => undefined);
  return client;
}

/** Publishes to topics held by one peer. */
export class MeshTopicPublisher implements Publisher {
  readonly #client: Promise<TopicClient>;

  /**
   * @param peer - the address of the peer that holds the topics, "host:port" (e.g. `peer.address`).
   * @param options - the peer's token and TLS.
   */
  constructor(peer: string, options: TopicClientOptions = {}) {
    this.#client = openClient(peer, options);
  }

  /**
   * @throws InvalidArgumentError when the TLS files cannot be read.
   * @throws LimitExceededError for a message over the peer's maximum object size, or too many
   * publishers waiting on a full topic; PeerUnavailableError when the peer is gone.
   */
  async sendMessage(topic: string, message: Uint8Array): Promise<void> {
    await (await this.#client).publish(topic, message);
  }

  async close(): Promise<void> {
    (await this.#client.catch(() => undefined))?.close();
  }
}

/** Follows one topic held by a peer. */
export class MeshTopicSubscriber implements Subscriber {
  readonly #client: Promise<TopicClient>;
  readonly #subscription: Promise<TopicSubscription>;

  /**
   * Subscribes right away (once the gRPC client has loaded): events published from now on (or, if this is the topic's only
   * subscriber, every event the peer still holds) arrive in order.
   * @param peer - the address of the peer that holds the topic.
   * @param topic - the topic.
   * @param options - the peer's token and TLS.
   */
  constructor(peer: string, topic: string, options: TopicClientOptions = {}) {
    this.#client = openClient(peer, options);
    this.#subscription = this.#client.then((client) => client.subscribe(topic));
    this.#subscription.catch(() => undefined);
  }

  /**
   * @throws PeerUnavailableError when the peer shut down or cannot be reached; PermissionDeniedError for a wrong token; InvalidArgumentError for unreadable TLS files.
   */
  async nextMessage(): Promise<Uint8Array | undefined> {
    return (await this.#subscription).next();
  }

  async close(): Promise<void> {
    (await this.#subscription.catch(() => undefined))?.close();
    (await this.#client.catch(() => undefined))?.close();
  }
}

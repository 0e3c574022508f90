/**
 * The client side of Publish and Subscribe, for the mesh stream shim (src/stream/shims). A
 * subscription keeps a few events in hand; past that it pauses the call, HTTP/2 flow control
 * holds the peer's writes back, and the topic's bounded buffer makes publishers wait.
 * @module
 */
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { Client, ClientError, Status, type Metadata } from '../wire/grpc-runtime.js';
import './connect-timeout.js';
import { PeerServiceDefinition, PublishRequest, PublishResponse, SubscribeRequest, SubscribeResponse } from '../../../gen/proxymesh/v1/peer.js';
import type { CallOptions } from '../../core/protocol.js';
import { asBuffer } from '../wire/buffer-view.js';
import { TRANSFER_CHANNEL_OPTIONS } from '../channel-options.js';
import { unary, type Method } from './grpc-calls.js';
import { callPeer } from './peer-client.js';
import { fromClientError } from '../status.js';
import { callMetadata, channelCredentials, resolveToken, type TlsOptions } from '../security.js';


const path = (method: string): string => `/${PeerServiceDefinition.fullName}/${method}`;

const PUBLISH: Method<PublishRequest, PublishResponse> = {
  path: path('Publish'),
  serialize: (request) => asBuffer(PublishRequest.encode(request).finish()),
  deserialize: (bytes) => PublishResponse.decode(bytes),
};

/** Events a subscription holds before it pauses its call (grpc-js holds up to 16 more). */
const SUBSCRIPTION_EVENTS = 4;
/**
 * A topic connection's HTTP/2 receive window: what a paused subscription can leave in transit.
 * Smaller than the 16 MiB of object transfers, since events are small (keys and metadata) and
 * every byte in transit is a byte the producer's peer no longer bounds.
 */
const TOPIC_WINDOW_BYTES = 4 * 1024 * 1024;

/** How to reach a peer's topics. */
export interface TopicClientOptions {
  /** The peer's token, when it requires one. Default: `PROXYMESH_TOKEN`. */
  readonly token?: string | undefined;
  /** TLS material, when the peer serves TLS. */
  readonly tls?: TlsOptions | undefined;
}

/** Events of one Subscribe call, read one at a time. */
export class TopicSubscription {
  readonly #events: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  #failure: Error | undefined;
  #over = false;
  #paused = false;

  constructor(
    private readonly call: ClientReadableStream<SubscribeResponse>,
    site: { peer: string; operation: string },
  ) {
    call.on('data', (response: SubscribeResponse) => {
      this.#events.push(response.event);
      if (this.#events.length >= SUBSCRIPTION_EVENTS && !this.#paused) {
        this.#paused = true;
        call.pause();
      }
      this.#poke();
    });
    call.on('error', (error: ServiceError) => {
      // Our own cancel (close) ends the subscription quietly.
      const code: Status = error.code;
      if (code !== Status.CANCELLED || !this.#over) this.#failure = fromClientError(new ClientError(path('Subscribe'), code, error.details), site);
      this.#over = true;
      this.#poke();
    });
    call.on('end', () => {
      this.#over = true;
      this.#poke();
    });
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * The next event, waiting for one.
   * @returns the event's bytes; `undefined` once the subscription is closed.
   * @throws PeerUnavailableError when the peer shut down or cannot be reached; PermissionDeniedError for a wrong token.
   */
  async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      const event = this.#events.shift();
      if (event !== undefined) {
        if (this.#paused && this.#events.length === 0) {
          this.#paused = false;
          this.call.resume();
        }
        return event;
      }
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#over) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Cancels the call: the peer forgets this subscriber, and `next` returns `undefined`. */
  close(): void {
    if (this.#over) return;
    this.#over = true;
    this.call.cancel();
    this.#poke();
  }
}

/** Publish and Subscribe calls to one peer. */
export class TopicClient {
  readonly #client: Client;
  readonly #metadata: Metadata;

  /**
   * @param address - the peer that holds the topics, "host:port".
   * @param options - token and TLS.
   * @throws InvalidArgumentError when the TLS files cannot be read.
   */
  constructor(
    readonly address: string,
    options: TopicClientOptions = {},
  ) {
    // A connection of its own: a subscription that stops reading holds its connection's HTTP/2
    // window full, which would stall every other call to the peer on a shared connection.
    this.#client = new Client(address, channelCredentials(options.tls), {
      ...TRANSFER_CHANNEL_OPTIONS,
      'grpc.use_local_subchannel_pool': 1,
      'grpc-node.flow_control_window': TOPIC_WINDOW_BYTES,
    });
    this.#metadata = callMetadata(resolveToken(options.token));
  }

  /**
   * Appends an event to a topic; resolves once the peer has buffered it (it waits while the
   * topic is full).
   * @returns the event's sequence number in the topic.
   * @throws InvalidArgumentError, LimitExceededError, PeerUnavailableError as the peer answers.
   */
  async publish(topic: string, event: Uint8Array, options: CallOptions = {}): Promise<bigint> {
    const site = { peer: this.address, operation: `publish to topic "${topic}"` };
    const response = await callPeer(site, this.#metadata, options, undefined, (settings) => unary(this.#client, PUBLISH, { topic, event: asBuffer(event) }, settings));
    return response.sequence;
  }

  /** Starts a Subscribe call; events arrive as the peer has them. */
  subscribe(topic: string): TopicSubscription {
    const call = this.#client.makeServerStreamRequest(
      path('Subscribe'),
      (request: SubscribeRequest) => asBuffer(SubscribeRequest.encode(request).finish()),
      (bytes: Buffer) => SubscribeResponse.decode(bytes),
      { topic },
      this.#metadata,
      {},
    );
    return new TopicSubscription(call, { peer: this.address, operation: `subscription to topic "${topic}"` });
  }

  /** Closes the channel; calls in flight fail. */
  close(): void {
    this.#client.close();
  }
}

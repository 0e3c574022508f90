/**
 * Redis pub/sub as a stream broker: PUBLISH and SUBSCRIBE. Every subscriber connected when a
 * message is published gets it; one that connects later, or is disconnected meanwhile, misses it
 * (use Redis Streams for that). Redis applies no backpressure to a publisher: a subscriber that
 * falls behind is disconnected by the server once its output buffer passes
 * `client-output-buffer-limit pubsub`, and messages it has received wait in this process.
 * @module
 */
import type { Redis } from 'ioredis';
import type { Publisher, Subscriber } from '../protocols.js';
import { connectRedis, disconnectRedis, type RedisTarget } from './redis-connection.js';

/** Publishes with PUBLISH. */
export class RedisPublisher implements Publisher {
  readonly #client: Redis;

  /** @param target - the server: its `redis://` URL. */
  constructor(target: RedisTarget) {
    this.#client = connectRedis(target, 'proxymesh-stream-publisher');
  }

  async sendMessage(topic: string, message: Uint8Array): Promise<void> {
    await this.#client.publish(topic, Buffer.from(message.buffer, message.byteOffset, message.byteLength));
  }

  async close(): Promise<void> {
    await this.#client.quit().catch(() => undefined);
  }
}

/** Reads one or more channels with SUBSCRIBE. */
export class RedisSubscriber implements Subscriber {
  readonly #client: Redis;
  readonly #messages: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #subscribed: Promise<unknown>;

  /**
   * @param target - the server: its `redis://` URL.
   * @param topics - the channels to read.
   */
  constructor(target: RedisTarget, topics: string | readonly string[]) {
    this.#client = connectRedis(target, 'proxymesh-stream-subscriber');
    this.#client.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      this.#messages.push(message);
      this.#poke();
    });
    this.#subscribed = this.#client.subscribe(...(typeof topics === 'string' ? [topics] : topics));
    // Read by `ready` and `nextMessage`; a subscriber closed before either must not leave it unhandled.
    this.#subscribed.catch(() => undefined);
  }

  /** Resolves once the server has confirmed the subscription: messages published after it arrive here. */
  ready(): Promise<void> {
    return this.#subscribed.then(() => undefined);
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * @throws the connection's error when the subscription could not be made.
   */
  async nextMessage(): Promise<Uint8Array | undefined> {
    await this.#subscribed;
    for (;;) {
      if (this.#closed) return undefined;
      const message = this.#messages.shift();
      if (message !== undefined) return message;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    disconnectRedis(this.#client);
    this.#poke();
    return Promise.resolve();
  }
}

/**
 * The pub/sub side of `RedisConnector`: one subscriber connection per connector (a subscribed
 * connection can run nothing else), opened on the first wait, with one channel per awaited key,
 * subscribed while anyone in this process waits on that key.
 * @module
 */
import type { Redis } from 'ioredis';
import { raceSignal } from '../core/call-options.js';

/** Callbacks of `KeyChannels`. */
export interface KeyChannelsOptions {
  /** Opens the subscriber connection. */
  readonly connect: () => Redis;
  /** The channel of a key id. */
  readonly channelOf: (id: string) => string;
  /** The key id of a channel, or `undefined` for a channel this connector did not subscribe. */
  readonly idOf: (channel: string) => string | undefined;
  /** A key's channel spoke: look at the key again. */
  readonly onNotice: (id: string) => void;
  /** The connection came back and every channel is subscribed again: notices may have been lost meanwhile. */
  readonly onResubscribed: () => void;
  /** Connection errors, for logging; ioredis reconnects by itself. */
  readonly onError: (error: Error) => void;
}

/** Reference-counted channel subscriptions on one subscriber connection. */
export class KeyChannels {
  readonly #subscribed = new Map<string, { refs: number; ready: Promise<unknown> }>();
  #client: Redis | undefined;
  #connectedBefore = false;

  /** @param options how to connect and whom to tell. */
  constructor(private readonly options: KeyChannelsOptions) {}

  /** Number of key channels subscribed. */
  get size(): number {
    return this.#subscribed.size;
  }

  /**
   * Subscribes to the key's channel (or joins the subscription in progress); resolves once the
   * server confirmed it. On failure or abort the reference is already dropped.
   */
  async acquire(id: string, signal?: AbortSignal): Promise<void> {
    let entry = this.#subscribed.get(id);
    if (!entry) {
      const ready = this.#connection().subscribe(this.options.channelOf(id));
      // Every waiter may have given up before the server answers; that is not an error.
      ready.catch(() => undefined);
      entry = { refs: 0, ready };
      this.#subscribed.set(id, entry);
    }
    entry.refs += 1;
    try {
      await raceSignal(entry.ready, signal);
    } catch (error) {
      this.release(id);
      throw error;
    }
  }

  /** Drops one reference; the last one unsubscribes. */
  release(id: string): void {
    const entry = this.#subscribed.get(id);
    if (!entry) return;
    entry.refs -= 1;
    if (entry.refs > 0) return;
    this.#subscribed.delete(id);
    // Commands run in order on the connection, so a later subscribe to this key still wins.
    this.#client?.unsubscribe(this.options.channelOf(id)).catch((error: unknown) => {
      if (error instanceof Error) this.options.onError(error);
    });
  }

  /** Closes the subscriber connection. */
  async close(): Promise<void> {
    this.#subscribed.clear();
    const client = this.#client;
    this.#client = undefined;
    if (client) await quit(client);
  }

  #connection(): Redis {
    if (this.#client) return this.#client;
    // Resubscribing ourselves (rather than ioredis's autoResubscribe) tells us when it is done,
    // so the recheck that follows cannot miss a set made in between.
    const client = this.options.connect();
    client.on('error', this.options.onError);
    client.on('message', (channel: string) => {
      const id = this.options.idOf(channel);
      if (id !== undefined) this.options.onNotice(id);
    });
    client.on('ready', () => {
      if (!this.#connectedBefore) {
        this.#connectedBefore = true;
        return;
      }
      const channels = [...this.#subscribed.keys()].map(this.options.channelOf);
      if (channels.length === 0) return;
      client.subscribe(...channels).then(this.options.onResubscribed, this.options.onError);
    });
    this.#client = client;
    return client;
  }
}

/** Ends a connection: politely when it is up, at once otherwise (QUIT would wait for a reconnect). */
export async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through to a hard disconnect.
    }
  }
  client.disconnect();
}

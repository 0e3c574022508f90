/**
 * `RedisConnector`'s deferred keys and the waits on them. A deferred key holds the empty string
 * until a write-once Lua script sets it and PUBLISHes `set` on the key's channel
 * (`redis-scripts.ts`); a waiter subscribes to that channel (`redis-channels.ts`) and
 * `KeyWaits` looks at the key again on every notice, so waiting is push-based. The connector's
 * plain gets and puts need none of this.
 * @module
 */
import type { Redis } from 'ioredis';
import { ClosedError, KeyExistsError, KeyNotFoundError } from '../errors.js';
import { newObjectId } from '../core/object-id.js';
import type { Payload } from '../core/protocol.js';
import { KeyWaits } from './key-waits.js';
import { KeyChannels } from './redis-channels.js';
import { SET_ONCE, SetOnceResult, runScript } from './redis-scripts.js';
import { decodeValue } from './redis-value.js';
import { log } from '../log.js';

/** What the deferred keys need of their connector. */
export interface DeferredKeysHost {
  /** The connector's connection: it reads and writes the keys, and is duplicated to subscribe. */
  readonly client: Redis;
  /** Prefix of every key and channel. */
  readonly prefix: string;
  /** The `CLIENT SETNAME` of the connector's connections, for logs. */
  readonly clientName: string;
  /** The Redis key, and channel, of an object id. */
  redisKey(id: string): string;
  /** The words for an object id in messages. */
  describe(id: string): string;
  /** Throws `ClosedError` when the connector is closed. */
  checkOpen(): void;
  /** A failure as the connector reports it (a lost connection: `ConnectorUnavailableError`). */
  translate(error: unknown): unknown;
}

/** Makes, sets and waits on a connector's deferred keys. */
export class RedisDeferredKeys {
  readonly #host: DeferredKeysHost;
  readonly #channels: KeyChannels;
  readonly #waits: KeyWaits;

  /** @param host - the connector. */
  constructor(host: DeferredKeysHost) {
    this.#host = host;
    const { client, prefix } = host;
    this.#channels = new KeyChannels({
      connect: () => client.duplicate({ autoResubscribe: false }),
      channelOf: (id) => host.redisKey(id),
      idOf: (channel) => (channel.startsWith(prefix) ? channel.slice(prefix.length) : undefined),
      onNotice: (id) => this.#waits.recheck(id),
      onResubscribed: () => this.#waits.recheckAll(),
      onError: (error) => log.debug('redis subscriber error', { client: host.clientName, error }),
    });
    this.#waits = new KeyWaits(
      async (id) => {
        const value = await client.getBuffer(host.redisKey(id));
        if (value === null) return { state: 'missing' };
        const payload = decodeValue(value, () => `The ${host.describe(id)}`);
        return payload ? { state: 'set', payload } : { state: 'pending' };
      },
      (id) => new KeyNotFoundError(`The ${host.describe(id)} does not exist: it was never created with newKey(), or it was evicted before it was set, so it will never have a value.`),
    );
  }

  /** Waits in progress. */
  get waiters(): number {
    return this.#waits.size;
  }

  /** Key channels subscribed (one per key waited on). */
  get subscriptions(): number {
    return this.#channels.size;
  }

  /**
   * Makes a deferred key: the empty string until it is set.
   * @returns its id.
   */
  async create(): Promise<string> {
    const id = newObjectId();
    await this.#host.client.set(this.#host.redisKey(id), '', 'NX');
    return id;
  }

  /**
   * Sets a deferred key, once, and wakes this process's waiters on it.
   * @param value - the payload as the connector encoded it.
   * @param payload - the payload, for the waiters.
   * @throws KeyExistsError when the key was set before (the first value stays).
   * @throws KeyNotFoundError when the key was never made or was evicted.
   */
  async set(id: string, value: Buffer, payload: Payload): Promise<void> {
    const host = this.#host;
    const redisKey = host.redisKey(id);
    const result = await runScript(host.client, SET_ONCE, redisKey, [value, redisKey]);
    if (result === SetOnceResult.exists) {
      throw new KeyExistsError(`Cannot set ${host.describe(id)}: it was already set, and keys are write-once (the first value stays).`);
    }
    if (result === SetOnceResult.missing) {
      throw new KeyNotFoundError(`Cannot set ${host.describe(id)}: it was never created with newKey() or has been evicted. Create a new future.`);
    }
    // Waiters in this process need no round trip; others hear the script's PUBLISH.
    this.#waits.wake(id, payload);
  }

  /**
   * The key's payload as soon as it holds one.
   * @param signal - ends the wait (with the call's deadline in it).
   * @throws KeyNotFoundError when the key does not exist or is evicted before it is set.
   */
  async wait(id: string, signal: AbortSignal | undefined): Promise<Payload> {
    const host = this.#host;
    // Subscribe, then register, then look: a set before the subscription is confirmed is seen
    // by the look (its script ran before our GET), one after it reaches us as a message.
    try {
      await this.#channels.acquire(id, signal);
    } catch (error) {
      host.checkOpen(); // closed meanwhile: say so, rather than "connection closed"
      throw host.translate(error);
    }
    try {
      host.checkOpen(); // close() may have ended every wait while we subscribed
      const waiting = this.#waits.wait(id, signal);
      this.#waits.recheck(id);
      return await waiting;
    } catch (error) {
      throw host.translate(error);
    } finally {
      this.#channels.release(id);
    }
  }

  /** Fails this process's waiters on an evicted key. */
  evicted(id: string): void {
    this.#waits.failMissing(id);
  }

  /** Ends every wait with `ClosedError`: the connector is closing. */
  endAll(): void {
    this.#waits.failAll((id) => new ClosedError(`Stopped waiting for ${this.#host.describe(id)}: its RedisConnector was closed. Wait on an open connector instead.`));
  }

  /** Closes the subscriber connection. */
  close(): Promise<void> {
    return this.#channels.close();
  }
}

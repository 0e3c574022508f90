/**
 * `RedisConnector`: objects in a Redis server, shared by every process that can reach it, as
 * ProxyStore's RedisConnector.
 *
 * Object `<id>` is the Redis string `<prefix><id>` (encoding in `redis-value.ts`). Deferred keys
 * hold the empty string until a write-once Lua script sets them and PUBLISHes `set` on the
 * channel `<prefix><id>`, which waiters subscribe to (`redis-deferred.ts`), so waiting is
 * push-based, with no keyspace notifications to configure on the server and no polling. This
 * file is the connector's plain gets and puts, its calls and its connection.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ClosedError, ConnectorUnavailableError, KeyNotFoundError, LimitExceededError, ProxyMeshError } from '../errors.js';
import { callSignal, raceSignal, throwIfAborted } from '../core/call-options.js';
import type { ObjectIdKey } from '../core/connector-input.js';
import { checkObjectIdKey, checkPayload } from '../core/connector-input.js';
import { newObjectId } from '../core/object-id.js';
import type { AwaitableConnector, CallOptions, ConnectorConfig, DeferrableConnector, Payload } from '../core/protocol.js';
import { quit } from './redis-channels.js';
import { RedisDeferredKeys } from './redis-deferred.js';
import type { RedisConnectorOptions, RedisServer } from './redis-options.js';
import { loadIoredis } from './redis-module.js';
import { describeServer, redisOptionsFromConfig, resolveRedisOptions } from './redis-options.js';
import { EVICT, runScript } from './redis-scripts.js';
import { decodeValue, encodeValue, headerBytes } from './redis-value.js';
import { log } from '../log.js';

const NAME = 'RedisConnector';

/** A RedisConnector key: `{"id": "<32 lowercase hex digits>"}`. */
export type RedisKey = ObjectIdKey;

export type { RedisConnectorOptions } from './redis-options.js';

/** What a RedisConnector is waiting on, to check that waits leave nothing behind. */
export interface RedisConnectorStats {
  /** Waits in progress. */
  readonly waiters: number;
  /** Key channels subscribed (one per key waited on). */
  readonly subscriptions: number;
}

// Replaces a value, never a pending deferred key (the empty string): futures stay write-once.
const REPLACE_SCRIPT = "if redis.call('STRLEN', KEYS[1]) > 0 then redis.call('SET', KEYS[1], ARGV[1]) return 1 end return 0";

/** Redis-backed, deferrable, awaitable connector. */

export class RedisConnector implements DeferrableConnector<RedisKey>, AwaitableConnector<RedisKey> {
  readonly kind = 'redis';
  /** Prefix of every key and channel. */
  readonly prefix: string;
  /** The `CLIENT SETNAME` of this connector's connections, to find them in `CLIENT LIST`. */
  readonly clientName: string;
  readonly #server: RedisServer;
  readonly #clear: boolean;
  readonly #maxObjectBytes: number;
  readonly #client: Redis;
  readonly #deferred: RedisDeferredKeys;
  #closing: Promise<void> | undefined;

  /**
   * Connects (in the background) to a Redis server.
   * @param options - the server (URL or host, port, db), the key prefix, `clear` and the object size limit.
   * @throws InvalidArgumentError when an option is malformed.
   * @example
   * ```ts
   * await using redis = new RedisConnector({ host: '127.0.0.1', port: 6379, prefix: 'my-app:' });
   * const key = await redis.newKey();
   * ```
   */
  constructor(options: RedisConnectorOptions = {}) {
    const { server, prefix, clear, maxObjectBytes } = resolveRedisOptions(options);
    this.prefix = prefix;
    this.#server = server;
    this.#clear = clear;
    this.#maxObjectBytes = maxObjectBytes;
    this.clientName = `proxymesh-${randomBytes(4).toString('hex')}`;
    const connectionName = this.clientName;
    const { Redis } = loadIoredis();
    this.#client = 'url' in server ? new Redis(server.url, { connectionName }) : new Redis({ connectionName, ...server });
    this.#client.on('error', (error: Error) => log.debug('redis connection error', { client: this.clientName, error }));
    this.#deferred = new RedisDeferredKeys({
      client: this.#client,
      prefix,
      clientName: this.clientName,
      redisKey: (id) => this.#redisKey(id),
      describe: (id) => this.#describe(id),
      checkOpen: () => this.#open(),
      translate: (error) => this.#translate(error),
    });
  }

  /**
   * Rebuilds a connector on the same server, database and prefix.
   * @param config - a config from `config()`.
   * @returns the connector.
   * @throws InvalidArgumentError when a config field has the wrong type.
   */
  static fromConfig(config: ConnectorConfig): RedisConnector {
    return new RedisConnector(redisOptionsFromConfig(config));
  }

  /**
   * The options to rebuild this connector elsewhere; `clear` stays with the owner.
   * @returns plain JSON, with `kind`.
   */
  config(): ConnectorConfig {
    return { kind: this.kind, ...this.#server, prefix: this.prefix, maxObjectBytes: this.#maxObjectBytes };
  }

  async put(payload: Payload, options?: CallOptions): Promise<RedisKey> {
    const value = this.#encode(payload);
    return this.#run(options, 'Writing a new object', async () => {
      const id = newObjectId();
      await this.#client.set(this.#redisKey(id), value);
      return { id };
    });
  }

  async putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<RedisKey[]> {
    const values = payloads.map((p) => this.#encode(p));
    if (values.length === 0) return [];
    return this.#run(options, `Writing ${values.length} objects`, async () => {
      const ids = values.map(() => newObjectId());
      await this.#client.mset(ids.flatMap((id, i) => [this.#redisKey(id), values[i]!]));
      return ids.map((id) => ({ id }));
    });
  }

  async get(key: RedisKey, options?: CallOptions): Promise<Payload | undefined> {
    const id = checkObjectIdKey(key, NAME);
    return this.#run(options, `Reading ${this.#describe(id)}`, async () =>
      decodeValue(await this.#client.getBuffer(this.#redisKey(id)), () => `The ${this.#describe(id)}`),
    );
  }

  async getBatch(keys: readonly RedisKey[], options?: CallOptions): Promise<(Payload | undefined)[]> {
    const ids = keys.map((k) => checkObjectIdKey(k, NAME));
    if (ids.length === 0) return [];
    return this.#run(options, `Reading ${ids.length} keys`, async () => {
      const values = await this.#client.mgetBuffer(...ids.map((id) => this.#redisKey(id)));
      return values.map((value, i) => decodeValue(value, () => `The ${this.#describe(ids[i]!)}`));
    });
  }

  async exists(key: RedisKey, options?: CallOptions): Promise<boolean> {
    const id = checkObjectIdKey(key, NAME);
    // STRLEN, not EXISTS: a pending deferred key exists in Redis as the empty string.
    return this.#run(options, `Checking ${this.#describe(id)}`, async () => (await this.#client.strlen(this.#redisKey(id))) > 0);
  }

  async evict(key: RedisKey, options?: CallOptions): Promise<void> {
    const id = checkObjectIdKey(key, NAME);
    await this.#run(options, `Evicting ${this.#describe(id)}`, async () => {
      const redisKey = this.#redisKey(id);
      await runScript(this.#client, EVICT, redisKey, [redisKey]);
      this.#deferred.evicted(id);
    });
  }

  async newKey(options?: CallOptions): Promise<RedisKey> {
    return this.#run(options, 'Creating a deferred key', async () => ({ id: await this.#deferred.create() }));
  }

  /**
   * Replaces the value of a key that holds one (ownership's `update`), in one atomic script; a
   * future's pending key is refused, so futures stay write-once.
   * @param key - a key holding a value.
   * @param payload - the new value.
   * @param options - signal and deadline.
   * @throws KeyNotFoundError when the key holds no value.
   */
  async replace(key: RedisKey, payload: Payload, options?: CallOptions): Promise<void> {
    const id = checkObjectIdKey(key, NAME);
    const value = this.#encode(payload);
    await this.#run(options, `Replacing ${this.#describe(id)}`, async () => {
      // A pending deferred key is the empty string: only a key with a value is replaced.
      const replaced = await this.#client.eval(REPLACE_SCRIPT, 1, this.#redisKey(id), value);
      if (replaced !== 1) throw new KeyNotFoundError(`Cannot replace ${this.#describe(id)}: it holds no value (never put, evicted, or a future not yet set).`);
    });
  }

  async set(key: RedisKey, payload: Payload, options?: CallOptions): Promise<void> {
    const id = checkObjectIdKey(key, NAME);
    const value = this.#encode(payload);
    await this.#run(options, `Setting ${this.#describe(id)}`, () => this.#deferred.set(id, value, payload));
  }

  async awaitKey(key: RedisKey, options?: CallOptions): Promise<Payload> {
    const id = checkObjectIdKey(key, NAME);
    this.#open();
    const signal = callSignal(options, `Waiting for ${this.#describe(id)}`);
    throwIfAborted(signal);
    return this.#deferred.wait(id, signal);
  }

  /**
   * Counters of the waits in progress.
   * @returns the counters now.
   */
  stats(): RedisConnectorStats {
    return { waiters: this.#deferred.waiters, subscriptions: this.#deferred.subscriptions };
  }

  /**
   * Ends every wait of this connector with `ClosedError`, deletes the prefix's keys with
   * `clear`, and quits both connections. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#deferred.endAll();
      try {
        if (this.#clear) await this.#deletePrefix();
      } finally {
        await Promise.all([this.#deferred.close(), quit(this.#client)]);
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #deletePrefix(): Promise<void> {
    // SCAN, not KEYS, so a large database is not blocked; MATCH needs glob characters escaped.
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await this.#client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  #encode(payload: Payload): Buffer {
    checkPayload(payload, NAME);
    const size = headerBytes(payload) + payload.data.byteLength;
    if (size > this.#maxObjectBytes) {
      throw new LimitExceededError(
        `${NAME} cannot store a ${payload.data.byteLength}-byte object: the limit is ${this.#maxObjectBytes} bytes (Redis's proto-max-bulk-len). Raise maxObjectBytes together with the server's limit, or use a FileConnector.`,
      );
    }
    return encodeValue(payload);
  }

  #redisKey(id: string): string {
    return `${this.prefix}${id}`;
  }

  #describe(id: string): string {
    return `key ${id} (Redis key ${this.#redisKey(id)} on ${describeServer(this.#server)})`;
  }

  async #run<T>(options: CallOptions | undefined, what: string, work: () => Promise<T>): Promise<T> {
    this.#open();
    const signal = callSignal(options, what);
    throwIfAborted(signal);
    try {
      return await raceSignal(work(), signal);
    } catch (error) {
      throw this.#translate(error);
    }
  }

  /** Connection failures become `ConnectorUnavailableError`; everything else passes through. */
  #translate(error: unknown): unknown {
    if (error instanceof ProxyMeshError || !(error instanceof Error)) return error;
    const lost = error.name === 'MaxRetriesPerRequestError' || error.message === 'Connection is closed.' || (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    if (!lost) return error;
    return new ConnectorUnavailableError(`The Redis server at ${describeServer(this.#server)} cannot be reached (${error.message}). Check that it is running, or raise timeoutMs.`, { cause: error });
  }

  #open(): void {
    if (this.#closing) throw new ClosedError(`This RedisConnector (prefix ${this.prefix}) is closed. Open a new one.`);
  }
}

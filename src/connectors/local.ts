/**
 * `LocalConnector`: objects in this process's memory. Connectors built from the same config in
 * one process share one memory space, as ProxyStore's do, so proxies resolve anywhere in the
 * process; another process gets an empty space of its own.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, KeyNotFoundError } from '../errors.js';
import { callSignal, throwIfAborted } from '../core/call-options.js';
import { checkObjectIdKey, checkPayload, type ObjectIdKey } from '../core/connector-input.js';
import { ownedPayload } from '../serialize/borrowed.js';
import { ObjectTable } from '../core/object-table.js';
import type { AwaitableConnector, CallOptions, ConnectorConfig, DeferrableConnector, InProcessConnector, Payload } from '../core/protocol.js';

/** A LocalConnector key: `{"id": "<32 lowercase hex digits>"}`. */
export type LocalKey = ObjectIdKey;

/** Options of `new LocalConnector()`. */
export interface LocalConnectorOptions {
  /** Name of the memory space; connectors with the same space share objects. Default: a new one. */
  readonly space?: string;
}

const spaces = new Map<string, { table: ObjectTable; users: number }>();

const checkKey = (key: LocalKey): string => checkObjectIdKey(key, 'LocalConnector');

/** In-process, deferrable, awaitable connector. */
export class LocalConnector implements DeferrableConnector<LocalKey>, AwaitableConnector<LocalKey>, InProcessConnector<LocalKey> {
  readonly kind = 'local';
  /** Its keys live in this process's memory only: a synchronous read's answer is final. */
  readonly inProcess = true;
  readonly #space: string;
  readonly #table: ObjectTable;
  #closed = false;

  /**
   * Opens a memory space of this process: a new one, or `options.space` shared by name.
   * @param options - the space to join; default a new one.
   */
  constructor(options: LocalConnectorOptions = {}) {
    this.#space = options.space ?? randomUUID();
    let entry = spaces.get(this.#space);
    if (!entry) {
      const space = this.#space;
      entry = { table: new ObjectTable((id) => `key ${id} of local space ${space}`), users: 0 };
      spaces.set(this.#space, entry);
    }
    entry.users += 1;
    this.#table = entry.table;
  }

  /**
   * Rebuilds a connector on the same memory space (in this process).
   * @param config - a config from `config()`.
   * @returns the connector.
   * @throws InvalidArgumentError when the config has no string `space`.
   */
  static fromConfig(config: ConnectorConfig): LocalConnector {
    const space = config['space'];
    if (typeof space !== 'string') throw new InvalidArgumentError(`A local connector config needs a string "space": got ${JSON.stringify(config)}.`);
    return new LocalConnector({ space });
  }

  config(): ConnectorConfig {
    return { kind: this.kind, space: this.#space };
  }

  // Async so that bad keys and refused sets reject rather than throw.
  async put(payload: Payload): Promise<LocalKey> {
    checkPayload(payload, 'LocalConnector');
    return { id: this.#table.put(ownedPayload(payload)) };
  }

  async putBatch(payloads: readonly Payload[]): Promise<LocalKey[]> {
    for (const p of payloads) checkPayload(p, 'LocalConnector');
    return payloads.map((p) => ({ id: this.#table.put(ownedPayload(p)) }));
  }

  async get(key: LocalKey): Promise<Payload | undefined> {
    return this.#table.get(checkKey(key));
  }

  async getBatch(keys: readonly LocalKey[]): Promise<(Payload | undefined)[]> {
    return keys.map((k) => this.#table.get(checkKey(k)));
  }

  async exists(key: LocalKey): Promise<boolean> {
    return this.#table.exists(checkKey(key));
  }

  async evict(key: LocalKey): Promise<void> {
    this.#table.evict(checkKey(key));
  }

  async newKey(): Promise<LocalKey> {
    return { id: this.#table.newKey() };
  }

  async set(key: LocalKey, payload: Payload): Promise<void> {
    checkPayload(payload, 'LocalConnector');
    this.#table.set(checkKey(key), ownedPayload(payload));
  }

  /**
   * Replaces the value of a key that holds one (ownership's `update`); futures' pending keys
   * are refused, so they stay write-once.
   * @param key - a key holding a value.
   * @param payload - the new value.
   * @throws KeyNotFoundError when the key holds no value.
   */
  async replace(key: LocalKey, payload: Payload): Promise<void> {
    checkPayload(payload, 'LocalConnector');
    const id = checkKey(key);
    if (!this.#table.replace(id, ownedPayload(payload))) throw new KeyNotFoundError(`Cannot replace local key ${id}: it holds no value (never put, evicted, or a future not yet set).`);
  }

  async awaitKey(key: LocalKey, options?: CallOptions): Promise<Payload> {
    const id = checkKey(key);
    const signal = callSignal(options, `Waiting for key ${id} of local space ${this.#space}`);
    throwIfAborted(signal);
    return this.#table.wait(id, signal);
  }

  /**
   * Synchronous read for callers that cannot wait (a proxy's first synchronous use):
   * the payload, or `undefined` while the key is missing or pending.
   * @param key - a key this connector kind made.
   * @returns the payload, or `undefined`.
   * @throws InvalidArgumentError when `key` is not a local key.
   */
  getSync(key: LocalKey): Payload | undefined {
    return this.#table.get(checkKey(key));
  }

  /**
   * Whether the key is a deferred key nobody has set yet.
   * @param key - a key this connector kind made.
   * @returns true while it waits for `set`.
   * @throws InvalidArgumentError when `key` is not a local key.
   */
  isPending(key: LocalKey): boolean {
    return this.#table.isPending(checkKey(key));
  }

  /** Releases this connector's hold on the space; the last one to close frees it. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const entry = spaces.get(this.#space);
    if (entry && --entry.users === 0) {
      spaces.delete(this.#space);
      entry.table.close((id) => new KeyNotFoundError(`Key ${id} of local space ${this.#space} can no longer be set: the space was closed.`));
      entry.table.clear();
    }
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

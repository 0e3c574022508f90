/**
 * The connector protocols: the byte-level storage interface a Store is built on, ProxyStore's
 * `Connector` and `DeferrableConnector` in TypeScript idiom (async, `AbortSignal`), and the
 * optional protocols a connector may add. Only types live here; the guards that ask a connector
 * which optional protocols it implements are in `connector-guards.ts`.
 * @module
 */

/** A JSON value: what keys and configs are made of, so they travel between processes as text. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Bytes plus the tag of the codec that wrote them. The tag travels with the bytes through every
 * connector, so a reader (in any language) knows how to decode them.
 */
export interface Payload {
  /** Codec tag, e.g. `bytes`, `utf8`, `json`, `v8`; at most 64 bytes of UTF-8. */
  readonly codec: string;
  /** The encoded object. Connectors never modify it; callers must not modify it after `put`. */
  readonly data: Uint8Array;
}

/** Options every connector call takes. */
export interface CallOptions {
  /** Aborts the call; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Deadline for this call in milliseconds; past it the call rejects with `DeadlineExceededError`. */
  readonly timeoutMs?: number | undefined;
}

/** Options of a connector's `set` (the Store's `set` takes `SetOptions`). */
export interface ConnectorSetOptions extends CallOptions {
  /**
   * The capability `newKey` issued for the key, where the connector issues them (the mesh
   * does): it travels inside a future, never inside a proxy, so a reader cannot overwrite the
   * value it waits for. The connector that made the key remembers it, so passing it is needed
   * only in another process.
   */
  readonly capability?: string | undefined;
}

/** What `config()` returns: enough to rebuild the connector in another process. */
export interface ConnectorConfig {
  /** The connector kind, the key of the connector registry (`local`, `file`, `redis`, `mesh`). */
  readonly kind: string;
  readonly [option: string]: JsonValue;
}

/**
 * A byte-level object store. `K` is the connector's key type: a plain JSON value, so that
 * `JSON.parse(JSON.stringify(key))` is a usable key in any process.
 */
export interface Connector<K extends JsonValue = JsonValue> {
  /** The kind recorded in `config()`. */
  readonly kind: string;
  /**
   * Stores a payload under a new key.
   * @param payload - the codec tag and bytes to store.
   * @param options - signal and deadline.
   * @returns the new key.
   * @throws InvalidArgumentError when the payload is malformed (e.g. a codec tag over 64 bytes).
   * @throws LimitExceededError when a configured limit refuses it; nothing is stored.
   */
  put(payload: Payload, options?: CallOptions): Promise<K>;
  /**
   * Stores payloads, each under a new key.
   * @param payloads - the payloads to store.
   * @param options - signal and deadline.
   * @returns their keys, in the same order.
   * @throws as `put` does.
   */
  putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<K[]>;
  /**
   * Reads a payload.
   * @param key - a key this connector kind made.
   * @param options - signal and deadline.
   * @returns the payload; `undefined` when the key is missing (or deferred and not yet set).
   * @throws InvalidArgumentError when `key` is not a key of this connector kind.
   */
  get(key: K, options?: CallOptions): Promise<Payload | undefined>;
  /**
   * Reads payloads.
   * @param keys - keys this connector kind made.
   * @param options - signal and deadline.
   * @returns the payloads in the order of `keys`, `undefined` for each missing one.
   * @throws InvalidArgumentError when a key is not a key of this connector kind.
   */
  getBatch(keys: readonly K[], options?: CallOptions): Promise<(Payload | undefined)[]>;
  /**
   * Whether the key holds a readable payload.
   * @param key - a key this connector kind made.
   * @param options - signal and deadline.
   * @returns true when `get` would return a payload now.
   * @throws InvalidArgumentError when `key` is not a key of this connector kind.
   */
  exists(key: K, options?: CallOptions): Promise<boolean>;
  /**
   * Removes a key; evicting a missing key is not an error.
   * @param key - a key this connector kind made.
   * @param options - signal and deadline.
   * @throws InvalidArgumentError when `key` is not a key of this connector kind.
   */
  evict(key: K, options?: CallOptions): Promise<void>;
  /**
   * The options to rebuild this connector elsewhere with its kind's `fromConfig`.
   * @returns plain JSON, with `kind`.
   */
  config(): ConnectorConfig;
  /** Releases resources. Idempotent. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using connector = …`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A connector that can hand out a key before its value exists ("write once, read many"):
 * what `Store.future()` needs.
 */
export interface DeferrableConnector<K extends JsonValue = JsonValue> extends Connector<K> {
  /**
   * Makes a key whose value will be set later; it does not exist until then.
   * @param options - signal and deadline.
   * @returns the new, still empty key.
   */
  newKey(options?: CallOptions): Promise<K>;
  /**
   * Sets the value of a key made by `newKey`, exactly once.
   * @param key - a key from `newKey`.
   * @param payload - the value, as codec tag and bytes.
   * @param options - signal, deadline and, where the connector issues them, the capability.
   * @throws KeyExistsError when the key was already set (the first value stays).
   * @throws KeyNotFoundError when the key is unknown or was evicted.
   * @throws PermissionDeniedError when the connector requires a capability and it is missing or wrong.
   */
  set(key: K, payload: Payload, options?: ConnectorSetOptions): Promise<void>;
  /**
   * The capability that authorises `set` on a key this connector made, for connectors that
   * issue them (the mesh); `undefined` otherwise. `Store.future()` puts it inside the future.
   * Ask through `issuesCapabilities`, as for every optional capability.
   * @param key - a key from this connector's `newKey`.
   * @returns the capability, or `undefined` when there is none (or it was already used).
   */
  capabilityFor?(key: K): string | undefined;
}

/** A connector that can wake waiters when a key is set, without polling. */
export interface AwaitableConnector<K extends JsonValue = JsonValue> {
  /**
   * Resolves with the payload as soon as the key holds one (at once if it already does).
   * @param key - a key this connector kind made.
   * @param options - signal and deadline (unbounded by default).
   * @returns the payload.
   * @throws KeyNotFoundError when the key is unknown or is evicted before it is set.
   * @throws DeadlineExceededError when `timeoutMs` passes first.
   */
  awaitKey(key: K, options?: CallOptions): Promise<Payload>;
}

/** How a connector kind is rebuilt from its config; every connector class has this static. */
export interface ConnectorClass {
  /**
   * Rebuilds a connector from what its `config()` returned, in this or another process.
   * @param config - the connector's config; `kind` names this class.
   * @returns the connector, or a promise of it.
   * @throws InvalidArgumentError when the config is malformed.
   */
  fromConfig(config: ConnectorConfig): Connector | Promise<Connector>;
}

/** A connector that issues a capability per deferred key, which its `set` requires (the mesh). */
export interface CapabilityIssuer<K extends JsonValue = JsonValue> {
  /**
   * @param key - a key from this connector's `newKey`.
   * @returns the capability, or `undefined` when there is none (or it was already used).
   */
  capabilityFor(key: K): string | undefined;
}

/** A connector that can read a key without waiting (in-process memory). */
export interface SyncReadableConnector<K extends JsonValue = JsonValue> {
  /**
   * @param key - a key this connector kind made.
   * @returns the payload, or `undefined` while the key is missing or pending.
   */
  getSync(key: K): Payload | undefined;
}

/**
 * A connector whose keys live in this process's memory only (LocalConnector): no other thread or
 * process can ever set or hold them, so a synchronous read's answer is final.
 */
export interface InProcessConnector<K extends JsonValue = JsonValue> extends SyncReadableConnector<K> {
  /** Declares the promise above; probing methods could not tell it. */
  readonly inProcess: true;
  /**
   * @param key - a key this connector kind made.
   * @returns true while the key waits for `set`.
   */
  isPending(key: K): boolean;
}

/** A connector that can get ready for a call about a key before the call (MeshConnector). */
export interface PreparableConnector<K extends JsonValue = JsonValue> {
  /**
   * Loads, connects or locates what a later call about `key` needs; never throws for the key.
   * @param key - the key a call will concern; none to load only what every call needs.
   * @param use - whether the call will wait for the key or set it.
   */
  prepare(key?: K, use?: 'wait' | 'set'): Promise<void>;
}

/**
 * A connector that can replace the value of a key that holds one, which an owner's `update`
 * needs (write-once `set` refuses it). Local, File, Redis and mesh connectors are (the mesh
 * through its capability-guarded Replace: only the putter may).
 */
export interface ReplaceableConnector<K extends JsonValue = JsonValue> {
  /**
   * Replaces the value of a key that holds one; pending future keys are refused.
   * @param key - a key holding a value.
   * @param payload - the new value.
   * @param options - signal and deadline.
   * @throws KeyNotFoundError when the key holds no value.
   */
  replace(key: K, payload: Payload, options?: CallOptions): Promise<void>;
}

/**
 * A connector whose owner can evict an object by itself after a time to live: a lease's objects
 * then end on time even if the process that took the lease has crashed. The mesh is (its
 * contract's Expire).
 */
export interface ExpirableConnector<K extends JsonValue = JsonValue> {
  /**
   * Evicts the key's object once `ttlMs` milliseconds have passed; 0 takes any time to live away.
   * @param key - a key this connector stored.
   * @param ttlMs - milliseconds from now.
   * @param options - signal and deadline.
   * @throws KeyNotFoundError when the key holds no value.
   */
  expire(key: K, ttlMs: number, options?: CallOptions): Promise<void>;
}

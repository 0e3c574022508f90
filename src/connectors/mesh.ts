/**
 * `MeshConnector`: the gRPC peer-to-peer mesh as a connector. Every operation goes straight to
 * the key's owner; a key owned by a peer in this very process is served from memory
 * (mesh-routes.ts).
 *
 * Two modes (mesh-owner.ts):
 * - **embedded** (default): this connector owns what it puts, through a peer it starts on first
 *   need (`listen`, default `127.0.0.1:0`). A process that only reads or sets never starts one.
 * - **attached** (`peer: "host:port"`): what it puts is owned by a running peer, for instance a
 *   `proxymesh peer` daemon.
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import { parseAddress } from '../mesh/address.js';
import { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from '../mesh/wire/chunk-sizes.js';
import { resolveToken } from '../mesh/token.js';
import { formatKey, toMeshKey, type MeshKey } from '../mesh/key.js';
import { SharedAwaits } from '../mesh/client/shared-awaits.js';
import { describeCall } from '../mesh/call-site.js';
import { callScope, withinCall } from '../core/call-options.js';
import { checkPayload } from '../core/connector-input.js';
import { KeyCapabilities } from './mesh-capabilities.js';
import { AttachedOwner, EmbeddedOwner, remoteStats, type Owner, type PeerStats } from './mesh-owner.js';
import { callWhat, MeshRoutes, onRoute, type Route } from './mesh-routes.js';
import { fetchGroups, groupByOwner } from './owner-groups.js';
import { hostBaseOf, readOnHost, readOnHostSync } from './mesh-host-read.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRANSFER_TIMEOUT_MS, optionsFromConfig, optionsToConfig, positive, type MeshConnectorOptions } from './mesh-options.js';
import type { AwaitableConnector, CallOptions, ConnectorConfig, ConnectorSetOptions, DeferrableConnector, ExpirableConnector, JsonValue, Payload, ReplaceableConnector } from '../core/protocol.js';

export type { PeerStats } from './mesh-owner.js';

/** The mesh connector: deferrable, awaitable by push (`Await`), owner-addressed. */
export class MeshConnector implements DeferrableConnector<MeshKey>, AwaitableConnector<MeshKey>, ReplaceableConnector<MeshKey>, ExpirableConnector<MeshKey> {
  readonly kind = 'mesh';
  readonly #options: MeshConnectorOptions;
  /** Where owners on this host keep the files of their objects; `undefined`: host reads are off. */
  readonly #hostBase: string | undefined;
  // Where keys live: this process's peers, or the clients of their owners (loaded on first need).
  readonly #routes: MeshRoutes;
  // What this connector puts goes to: the attached peer, or the embedded one.
  readonly #owner: Owner;
  // Capabilities of the deferred keys this connector made and of the keys it put into a daemon.
  readonly #capabilities = new KeyCapabilities();
  // Concurrent awaitKey calls on one key, sharing one wait on its owner.
  readonly #awaits = new SharedAwaits();
  #closed = false;

  /**
   * Makes a connector; nothing connects or starts until the first call.
   * @param options - attached (`peer`) or embedded (`listen`, `advertise`, limits), deadlines, token, TLS.
   * @throws InvalidArgumentError for a malformed address or option.
   */
  constructor(options: MeshConnectorOptions = {}) {
    if (options.peer !== undefined && (options.listen !== undefined || options.advertise !== undefined)) {
      throw new InvalidArgumentError('MeshConnector takes either peer (attached mode) or listen/advertise (embedded mode), not both.');
    }
    if (options.peer !== undefined) parseAddress(options.peer, 'peer address');
    if (options.listen !== undefined) parseAddress(options.listen, 'listen address');
    if (options.thread !== undefined && options.thread !== 'worker' && options.thread !== 'main') {
      throw new InvalidArgumentError(`MeshConnector option thread must be "worker" or "main", got ${JSON.stringify(options.thread)}.`);
    }
    this.#options = options;
    this.#hostBase = hostBaseOf(options.sharedMemory);
    const open = (): void => this.#open();
    this.#routes = new MeshRoutes(
      {
        chunkBytes: positive('chunkBytes', options.chunkBytes, DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES),
        maxObjectBytes: positive('maxObjectBytes', options.maxObjectBytes, bufferConstants.MAX_LENGTH),
        timeoutMs: positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
        transferTimeoutMs: positive('transferTimeoutMs', options.transferTimeoutMs, DEFAULT_TRANSFER_TIMEOUT_MS),
        token: resolveToken(options.token),
        tls: options.tls,
        sharedFiles: options.sharedMemory !== false,
      },
      open,
    );
    positive('maxBytes', options.maxBytes, 0);
    positive('maxWaiters', options.maxWaiters, 0);
    this.#owner = options.peer !== undefined ? new AttachedOwner(options.peer, this.#routes, this.#capabilities) : new EmbeddedOwner(options, open);
  }

  /**
   * Rebuilds a connector from `config()`, in any process.
   * @param config - a config from `config()`.
   * @returns the connector.
   * @throws InvalidArgumentError when an option has the wrong type or is malformed.
   */
  static fromConfig(config: ConnectorConfig): MeshConnector {
    return new MeshConnector(optionsFromConfig(config));
  }

  /**
   * The options, as JSON: another process rebuilds an equivalent connector from them.
   * @returns plain JSON, with `kind`.
   */
  config(): ConnectorConfig {
    return optionsToConfig(this.kind, this.#options);
  }

  /** Whether this connector is attached to a running peer rather than embedding one. */
  get attached(): boolean {
    return this.#options.peer !== undefined;
  }

  /**
   * The address of the peer that owns what this connector puts (starting the embedded one).
   * @returns the advertised "host:port".
   * @throws the embedded peer's start error (e.g. the port is taken).
   */
  async ownerAddress(): Promise<string> {
    return this.#owner.address();
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('This MeshConnector is closed. Create a new one.');
  }

  /**
   * Gets ready for a call about `key` now rather than at the call: loads the gRPC client code,
   * and for a key of another process opens the channel its waits (or sets) use and locates the
   * owner. The blocking bridge does this for a proxy revived to be used later, the reviver for a
   * future revived to be set later, so the first use pays none of it. A malformed key or an
   * unreachable owner is left for the call itself to report.
   * @internal
   */
  async prepare(key?: JsonValue, use: 'wait' | 'set' = 'wait'): Promise<void> {
    return this.#routes.prepare(key, use);
  }

  async put(payload: Payload, options?: CallOptions): Promise<MeshKey> {
    checkPayload(payload, 'MeshConnector');
    return this.#owner.put(payload, options);
  }

  async putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<MeshKey[]> {
    for (const p of payloads) checkPayload(p, 'MeshConnector');
    if (payloads.length === 0) return [];
    return this.#owner.putBatch(payloads, options);
  }

  async get(key: MeshKey, options?: CallOptions): Promise<Payload | undefined> {
    this.#open();
    // An owner on this host has the object in a file: read it, with no call (mesh-host-read.ts).
    // A caller that gave up meanwhile gets its reason, as from any other route.
    const onHost = await readOnHost(this.#hostBase, key);
    if (onHost !== undefined) {
      options?.signal?.throwIfAborted();
      return onHost;
    }
    return onRoute(await this.#routes.route(key), 'get', options, (peer, id) => peer.get(id), (client, k) => client.get(k, options));
  }

  /**
   * The object, if it can be read without waiting: from its owner's file when the owner runs on
   * this host (a proxy's synchronous first use then needs no bridge thread).
   * @returns the payload, or `undefined` when it must be asked for.
   */
  getSync(key: MeshKey): Payload | undefined {
    return this.#closed ? undefined : readOnHostSync(this.#hostBase, key);
  }

  async getBatch(keys: readonly MeshKey[], options?: CallOptions): Promise<(Payload | undefined)[]> {
    // One GetBatch per owner, all at once; keys of a peer in this process are read from memory.
    // Grouped by the route's target (the pool keeps one client per address): no name built per key.
    const pending = keys.map((k) => this.#routes.route(k));
    // Promise.all only on the first remote call, when the clients load: not per key afterwards.
    const settled = pending.some((r) => r instanceof Promise) ? await Promise.all(pending.map((r) => Promise.resolve(r))) : (pending as Route[]);
    const groups = groupByOwner(settled, (r) => r.local ?? r.remote);
    return fetchGroups(keys.length, groups, async (routes) => {
      const [first] = routes;
      const { local } = first;
      if (local) return withinCall(options, describeCall({ peer: first.key.peer, operation: 'getBatch' }), () => local.getBatch(routes.map((r) => r.key.id)));
      return (this.#routes.pool ?? (await this.#routes.clients())).batch(first.key.peer).getBatch(routes.map((r) => r.key), options);
    });
  }

  async exists(key: MeshKey, options?: CallOptions): Promise<boolean> {
    return onRoute(await this.#routes.route(key), 'exists', options, (peer, id) => peer.exists(id), (client, k) => client.exists(k, options));
  }

  async evict(key: MeshKey, options?: CallOptions): Promise<void> {
    const r = await this.#routes.route(key);
    this.#capabilities.forget(formatKey(r.key));
    await onRoute(r, 'evict', options, (peer, id) => peer.evict(id), (client, k) => client.evict(k, options));
  }

  async newKey(options?: CallOptions): Promise<MeshKey> {
    const { key, capability } = await this.#owner.newKey(options);
    this.#capabilities.made(formatKey(key), capability);
    return key;
  }

  /**
   * The capability that authorises `set` on a key this connector made with `newKey`.
   * @param key - a key from this connector's `newKey`.
   * @returns the capability, or `undefined` once the key was set or evicted, or for a key made elsewhere.
   * @throws InvalidArgumentError when `key` is not a mesh key.
   */
  capabilityFor(key: MeshKey): string | undefined {
    return this.#capabilities.deferred(formatKey(toMeshKey(key)));
  }

  async set(key: MeshKey, payload: Payload, options?: ConnectorSetOptions): Promise<void> {
    checkPayload(payload, 'MeshConnector');
    const r = await this.#routes.route(key);
    const name = formatKey(r.key);
    const capability = options?.capability ?? this.#capabilities.deferred(name) ?? '';
    await onRoute(r, 'set', options, (peer, id) => peer.set(id, payload, capability), (client, k) => client.set(k, payload, { ...options, capability }));
    this.#capabilities.spent(name);
  }

  /**
   * Replaces the value of a key this connector put (an owner's `update`): a key of this process's
   * peer directly, a key put into a peer daemon with the owner capability its Put returned.
   * @throws KeyNotFoundError when the key holds no value (a future's key not set: futures stay write-once).
   * @throws PermissionDeniedError when this connector did not put the key (no capability to present).
   */
  async replace(key: MeshKey, payload: Payload, options?: CallOptions): Promise<void> {
    checkPayload(payload, 'MeshConnector');
    const r = await this.#routes.route(key);
    await onRoute(r, 'replace', options, (peer, id) => peer.replace(id, payload), (client, k) => client.replace(k, payload, { ...options, capability: this.#capabilities.owner(formatKey(k)) }));
  }

  /**
   * Gives a key this connector put a time to live on its owner: the peer evicts it once `ttlMs`
   * have passed (0 takes it away), even if this process is gone by then. What a `LeaseLifetime`
   * uses, so a lease on a peer daemon's object outlives a client that crashed.
   * @throws as `replace`; InvalidArgumentError for a negative or non-integer `ttlMs`.
   */
  async expire(key: MeshKey, ttlMs: number, options?: CallOptions): Promise<void> {
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 0) throw new InvalidArgumentError(`A time to live must be a whole number of milliseconds, 0 or more; got ${String(ttlMs)}.`);
    const r = await this.#routes.route(key);
    await onRoute(r, 'expire', options, (peer, id) => peer.expire(id, ttlMs), (client, k) => client.expire(k, ttlMs, { ...options, capability: this.#capabilities.owner(formatKey(k)) }));
  }

  /**
   * Waits, pushed by the owner, until the key holds a value. Concurrent waits on one key through
   * this connector share one wait on the owner (one `Await` stream for a remote key): the owner
   * holds one stream per process and key however many wait, and one set wakes them all at once.
   * Each wait keeps its own signal and deadline; all of them receive the same payload buffer.
   * @param key - a mesh key.
   * @param options - signal and deadline of this wait (unbounded by default).
   * @returns the payload.
   * @throws KeyNotFoundError when the key is unknown or is evicted before it is set.
   * @throws KeyLostError when the owner restarted since the key was made.
   * @throws PeerUnavailableError naming the key and the owner when the owner stops or is unreachable.
   * @throws DeadlineExceededError when `timeoutMs` passes first; the signal's reason when it fires.
   */
  async awaitKey(key: MeshKey, options?: CallOptions): Promise<Payload> {
    const r = await this.#routes.route(key);
    const name = formatKey(r.key);
    const scope = callScope(options, callWhat('await', r.key));
    const start = r.remote ? (signal: AbortSignal) => r.remote.await(r.key, { signal }) : (signal: AbortSignal) => r.local.wait(r.key.id, signal);
    try {
      return await this.#awaits.wait(name, start, scope.signal);
    } finally {
      scope.dispose();
    }
  }

  /**
   * What a peer holds: the peer at `address`, or by default the one that owns what this
   * connector puts (an embedded peer that has not started yet reports zeros).
   * @param address - the peer's "host:port"; default the owner of this connector's puts.
   * @param options - signal and deadline.
   * @returns the peer's identity and counts.
   * @throws InvalidArgumentError for a malformed address.
   * @throws PeerUnavailableError when the peer cannot be reached.
   */
  async stats(address?: string, options?: CallOptions): Promise<PeerStats> {
    if (address === undefined) return this.#owner.stats(options);
    parseAddress(address, 'peer address');
    return remoteStats(this.#routes, address, options);
  }

  /** Closes channels and stops the embedded peer (its objects are dropped). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A pool still loading sees the connector closed and is never made.
    this.#routes.close();
    await this.#owner.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

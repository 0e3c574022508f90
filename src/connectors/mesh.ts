/**
 * `MeshConnector`: the gRPC peer-to-peer mesh as a connector. Every operation goes straight to
 * the key's owner; a key owned by a peer in this very process is served from memory.
 *
 * Two modes:
 * - **embedded** (default): this connector owns what it puts, through a peer it starts on first
 *   need (`listen`, default `127.0.0.1:0`). A process that only reads or sets never starts one.
 * - **attached** (`peer: "host:port"`): what it puts is owned by a running peer, for instance a
 *   `proxymesh peer` daemon.
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { LRUCache } from 'lru-cache';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import type { TableStats } from '../core/object-table.js';
import { parseAddress } from '../mesh/address.js';
import { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from '../mesh/wire/chunk-sizes.js';
import type { ClientPool } from '../mesh/client/client-pool.js';
import type { ClientSettings, PeerClient } from '../mesh/client/peer-client.js';
import { resolveToken } from '../mesh/token.js';
import { formatKey, toMeshKey, type MeshKey } from '../mesh/key.js';
import { findLocalPeer, tablePeer, type LocalPeer } from '../mesh/server/local-peers.js';
import { Peer, type PeerOptions } from '../mesh/server/peer.js';
import { SharedAwaits } from '../mesh/client/shared-awaits.js';
import { describeCall } from '../mesh/call-site.js';
import { callScope, withinCall } from '../core/call-options.js';
import { checkPayload } from '../core/connector-input.js';
import { fetchGroups, groupByOwner } from './owner-groups.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRANSFER_TIMEOUT_MS, optionsFromConfig, optionsToConfig, positive, type MeshConnectorOptions } from './mesh-options.js';
import type { AwaitableConnector, CallOptions, ConnectorConfig, ConnectorSetOptions, DeferrableConnector, ExpirableConnector, JsonValue, Payload, ReplaceableConnector } from '../core/protocol.js';

/** What a peer holds, as `MeshConnector.stats` reports it. */
export interface PeerStats extends TableStats {
  /** The peer's advertised address ('' for an embedded peer not started yet). */
  readonly peer: string;
  /** The peer's incarnation ('' for an embedded peer not started yet). */
  readonly incarnation: string;
}

/** How many put keys' owner capabilities an attached connector remembers for replace and expire. */
const OWNED_KEYS = 100_000;

/** The embedded peer, on its worker thread or on this one. */
type Embedded = LocalPeer & { close(): Promise<void> };

// The peer thread's module (and the server, inside Peer.start) load only when a peer starts.
async function startEmbedded(options: PeerOptions, thread: 'worker' | 'main'): Promise<Embedded> {
  if (thread === 'worker') return (await import('../mesh/thread/peer-thread.js')).PeerThread.start(options);
  const peer = await Peer.start(options);
  return Object.assign(tablePeer(peer.state, peer.state.table), { close: () => peer.close() });
}

/**
 * What a call on a key is, for its deadline's message: the words of a remote call
 * (status.ts `describeCall`), so a deadline reads alike on every route.
 */
const callWhat = (operation: string, key: MeshKey): string => describeCall({ peer: key.peer, operation, key: formatKey(key) });

/** Where a key lives: in a peer of this process, or behind a client. */
type Route = { key: MeshKey; local: LocalPeer; remote?: undefined } | { key: MeshKey; local?: undefined; remote: PeerClient };

/** The mesh connector: deferrable, awaitable by push (`Await`), owner-addressed. */
export class MeshConnector implements DeferrableConnector<MeshKey>, AwaitableConnector<MeshKey>, ReplaceableConnector<MeshKey>, ExpirableConnector<MeshKey> {
  readonly kind = 'mesh';
  readonly #options: MeshConnectorOptions;
  readonly #settings: ClientSettings;
  // The gRPC client code loads with the first call to another process: a connector that only
  // talks to its own peer, or a process that never calls, does without it.
  #pool: ClientPool | undefined;
  #loadingPool: Promise<ClientPool> | undefined;
  #peer: Promise<Embedded> | undefined;
  // Capabilities of the deferred keys this connector made, until they are set or evicted.
  readonly #capabilities = new Map<string, string>();
  // The owner capabilities of what this connector put into a peer daemon (attached mode), which
  // its replace and expire present; the most recent ones, so a long-running putter stays bounded.
  readonly #owners = new LRUCache<string, string>({ max: OWNED_KEYS });
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
    this.#settings = {
      chunkBytes: positive('chunkBytes', options.chunkBytes, DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES),
      maxObjectBytes: positive('maxObjectBytes', options.maxObjectBytes, bufferConstants.MAX_LENGTH),
      timeoutMs: positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
      transferTimeoutMs: positive('transferTimeoutMs', options.transferTimeoutMs, DEFAULT_TRANSFER_TIMEOUT_MS),
      token: resolveToken(options.token),
      tls: options.tls,
      sharedFiles: options.sharedMemory !== false,
    };
    positive('maxBytes', options.maxBytes, 0);
    positive('maxWaiters', options.maxWaiters, 0);
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
    return this.#options.peer ?? (await this.#embedded()).address;
  }

  /** The embedded peer, started on first need. */
  #embedded(): Promise<Embedded> {
    this.#open();
    const o = this.#options;
    const peerOptions: PeerOptions = {
      listen: o.listen,
      advertise: o.advertise,
      maxObjectBytes: o.maxObjectBytes,
      chunkBytes: o.chunkBytes,
      maxBytes: o.maxBytes,
      maxWaiters: o.maxWaiters,
      token: o.token,
      tls: o.tls,
      sharedMemory: o.sharedMemory,
    };
    this.#peer ??= startEmbedded(peerOptions, o.thread ?? 'worker');
    return this.#peer;
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
    const pool = await this.#clients();
    if (key === undefined) return;
    const k = toMeshKey(key);
    if (findLocalPeer(k.incarnation) === undefined) await pool.client(k.peer).warm(k.incarnation, use);
  }

  /** The client pool, loaded and made on first need. */
  async #clients(): Promise<ClientPool> {
    this.#loadingPool ??= import('../mesh/client/client-pool.js').then(({ ClientPool }) => {
      this.#open();
      return (this.#pool = new ClientPool(this.#settings));
    });
    return this.#loadingPool;
  }

  /** Where a key lives; sync once the pool exists, which every call after the first finds. */
  #route(key: MeshKey): Route | Promise<Route> {
    this.#open();
    const k = toMeshKey(key);
    const local = findLocalPeer(k.incarnation);
    if (local) return { key: k, local };
    if (this.#pool) return { key: k, remote: this.#pool.client(k.peer) };
    return this.#clients().then((pool) => ({ key: k, remote: pool.client(k.peer) }));
  }

  async put(payload: Payload, options?: CallOptions): Promise<MeshKey> {
    checkPayload(payload, 'MeshConnector');
    if (this.#options.peer !== undefined) {
      const { key, capability } = await (this.#pool ?? (await this.#clients())).client(this.#options.peer).putOwned(payload, options);
      this.#owners.set(formatKey(key), capability);
      return key;
    }
    const peer = await this.#embedded();
    const id = await withinCall(options, describeCall({ peer: peer.address, operation: 'put' }), () => peer.put(payload));
    return { peer: peer.address, incarnation: peer.incarnation, id };
  }

  async putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<MeshKey[]> {
    for (const p of payloads) checkPayload(p, 'MeshConnector');
    if (payloads.length === 0) return [];
    // One PutBatch (or one thread message), stored all or none, instead of a call per object.
    if (this.#options.peer !== undefined) return (this.#pool ?? (await this.#clients())).batch(this.#options.peer).putBatch(payloads, options);
    const peer = await this.#embedded();
    const ids = await withinCall(options, describeCall({ peer: peer.address, operation: 'putBatch' }), () => peer.putBatch(payloads));
    return ids.map((id) => ({ peer: peer.address, incarnation: peer.incarnation, id }));
  }

  async get(key: MeshKey, options?: CallOptions): Promise<Payload | undefined> {
    const r = await this.#route(key);
    const { local } = r;
    return local ? withinCall(options, callWhat('get', r.key), () => local.get(r.key.id)) : r.remote.get(r.key, options);
  }

  async getBatch(keys: readonly MeshKey[], options?: CallOptions): Promise<(Payload | undefined)[]> {
    // One GetBatch per owner, all at once; keys of a peer in this process are read from memory.
    // Grouped by the route's target (the pool keeps one client per address): no name built per key.
    const pending = keys.map((k) => this.#route(k));
    // Promise.all only on the first remote call, when the clients load: not per key afterwards.
    const settled = pending.some((r) => r instanceof Promise) ? await Promise.all(pending.map((r) => Promise.resolve(r))) : (pending as Route[]);
    const groups = groupByOwner(settled, (r) => r.local ?? r.remote);
    return fetchGroups(keys.length, groups, async (routes) => {
      const [first] = routes;
      const { local } = first;
      return local ? withinCall(options, describeCall({ peer: first.key.peer, operation: 'getBatch' }), () => local.getBatch(routes.map((r) => r.key.id))) : (this.#pool ?? (await this.#clients())).batch(first.key.peer).getBatch(routes.map((r) => r.key), options);
    });
  }

  async exists(key: MeshKey, options?: CallOptions): Promise<boolean> {
    const r = await this.#route(key);
    const { local } = r;
    return local ? withinCall(options, callWhat('exists', r.key), () => local.exists(r.key.id)) : r.remote.exists(r.key, options);
  }

  async evict(key: MeshKey, options?: CallOptions): Promise<void> {
    const r = await this.#route(key);
    this.#capabilities.delete(formatKey(r.key));
    this.#owners.delete(formatKey(r.key));
    const { local } = r;
    if (local) await withinCall(options, callWhat('evict', r.key), () => local.evict(r.key.id));
    else await r.remote.evict(r.key, options);
  }

  async newKey(options?: CallOptions): Promise<MeshKey> {
    let key: MeshKey;
    let capability: string;
    if (this.#options.peer !== undefined) {
      ({ key, capability } = await (this.#pool ?? (await this.#clients())).client(this.#options.peer).newKey(options));
    } else {
      const peer = await this.#embedded();
      const made = await withinCall(options, describeCall({ peer: peer.address, operation: 'newKey' }), () => peer.newKey());
      key = { peer: peer.address, incarnation: peer.incarnation, id: made.id };
      capability = made.capability;
    }
    this.#capabilities.set(formatKey(key), capability);
    return key;
  }

  /**
   * The capability that authorises `set` on a key this connector made with `newKey`.
   * @param key - a key from this connector's `newKey`.
   * @returns the capability, or `undefined` once the key was set or evicted, or for a key made elsewhere.
   * @throws InvalidArgumentError when `key` is not a mesh key.
   */
  capabilityFor(key: MeshKey): string | undefined {
    return this.#capabilities.get(formatKey(toMeshKey(key)));
  }

  async set(key: MeshKey, payload: Payload, options?: ConnectorSetOptions): Promise<void> {
    checkPayload(payload, 'MeshConnector');
    const r = await this.#route(key);
    const name = formatKey(r.key);
    const capability = options?.capability ?? this.#capabilities.get(name) ?? '';
    const { local } = r;
    if (local) await withinCall(options, callWhat('set', r.key), () => local.set(r.key.id, payload, capability));
    else await r.remote.set(r.key, payload, { ...options, capability });
    this.#capabilities.delete(name);
  }

  /**
   * Replaces the value of a key this connector put (an owner's `update`): a key of this process's
   * peer directly, a key put into a peer daemon with the owner capability its Put returned.
   * @throws KeyNotFoundError when the key holds no value (a future's key not set: futures stay write-once).
   * @throws PermissionDeniedError when this connector did not put the key (no capability to present).
   */
  async replace(key: MeshKey, payload: Payload, options?: CallOptions): Promise<void> {
    checkPayload(payload, 'MeshConnector');
    const r = await this.#route(key);
    const { local } = r;
    if (local) await withinCall(options, callWhat('replace', r.key), () => local.replace(r.key.id, payload));
    else await r.remote.replace(r.key, payload, { ...options, capability: this.#owners.get(formatKey(r.key)) ?? '' });
  }

  /**
   * Gives a key this connector put a time to live on its owner: the peer evicts it once `ttlMs`
   * have passed (0 takes it away), even if this process is gone by then. What a `LeaseLifetime`
   * uses, so a lease on a peer daemon's object outlives a client that crashed.
   * @throws as `replace`; InvalidArgumentError for a negative or non-integer `ttlMs`.
   */
  async expire(key: MeshKey, ttlMs: number, options?: CallOptions): Promise<void> {
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 0) throw new InvalidArgumentError(`A time to live must be a whole number of milliseconds, 0 or more; got ${String(ttlMs)}.`);
    const r = await this.#route(key);
    const { local } = r;
    if (local) await withinCall(options, callWhat('expire', r.key), () => local.expire(r.key.id, ttlMs));
    else await r.remote.expire(r.key, ttlMs, { ...options, capability: this.#owners.get(formatKey(r.key)) ?? '' });
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
    const r = await this.#route(key);
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
    const target = address ?? this.#options.peer;
    if (target === undefined) {
      const peer = this.#peer ? await this.#peer : undefined;
      const counts = peer ? await peer.stats() : { objects: 0, bytes: 0, pendingKeys: 0, waiters: 0 };
      return { peer: peer?.address ?? '', incarnation: peer?.incarnation ?? '', ...counts };
    }
    parseAddress(target, 'peer address');
    const s = await (this.#pool ?? (await this.#clients())).client(target).stats(options);
    return { peer: s.peer, incarnation: s.incarnation, objects: Number(s.objects), bytes: Number(s.bytes), pendingKeys: Number(s.pendingKeys), waiters: Number(s.waiters) };
  }

  /** Closes channels and stops the embedded peer (its objects are dropped). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A pool still loading sees the connector closed and is never made.
    this.#pool?.close();
    const peer = await this.#peer?.catch(() => undefined);
    await peer?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

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
import { ClosedError, InvalidArgumentError } from '../errors.js';
import type { TableStats } from './object-table.js';
import { parseAddress } from '../mesh/address.js';
import { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from '../mesh/chunks.js';
import { ClientPool } from '../mesh/client-pool.js';
import { resolveToken, type TlsOptions } from '../mesh/security.js';
import { formatKey, toMeshKey, type MeshKey } from '../mesh/key.js';
import { findLocalPeer, tablePeer, type LocalPeer } from '../mesh/local-peers.js';
import { Peer, type PeerOptions } from '../mesh/peer.js';
import { PeerThread } from '../mesh/peer-thread.js';
import type { PeerClient } from '../mesh/peer-client.js';
import { callSignal, throwIfAborted } from './call-options.js';
import { checkPayload } from './connector-input.js';
import type { AwaitableConnector, CallOptions, ConnectorConfig, ConnectorSetOptions, DeferrableConnector, JsonValue, Payload } from './protocol.js';

/** Options of `new MeshConnector()`. All are optional: no options is an embedded peer on loopback. */
export interface MeshConnectorOptions {
  /** Attached mode: the address of the running peer that will own what this connector puts. */
  readonly peer?: string | undefined;
  /** Embedded mode: where the embedded peer listens. Default `127.0.0.1:0` (a free port). */
  readonly listen?: string | undefined;
  /** Embedded mode: the address written into keys, "host" or "host:port" (see `PeerOptions`). */
  readonly advertise?: string | undefined;
  /**
   * Embedded mode: where the peer runs. `worker` (default) puts its gRPC server on a worker
   * thread, so it keeps serving other processes while this thread blocks on a proxy's first
   * synchronous use; `main` runs it on this thread (less memory, for processes that never block).
   */
  readonly thread?: 'worker' | 'main' | undefined;
  /** Size of the data pieces sent. Default 1 MiB, at most 4 MiB. */
  readonly chunkBytes?: number | undefined;
  /** Largest object accepted, in bytes. */
  readonly maxObjectBytes?: number | undefined;
  /** Deadline of calls that move no object, when a call gives none. Default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** Deadline of put/get/set transfers, when a call gives none. Default 10 min. */
  readonly transferTimeoutMs?: number | undefined;
  /** Embedded mode: most payload bytes the peer holds (RESOURCE_EXHAUSTED past it). */
  readonly maxBytes?: number | undefined;
  /** Embedded mode: most Await calls waiting on the peer at once. */
  readonly maxWaiters?: number | undefined;
  /**
   * The token sent to peers, and required by the embedded peer. Default: `PROXYMESH_TOKEN`.
   * A secret: it is left out of `config()`, so it never travels inside proxies; every process
   * of the mesh gets it from its own environment or options.
   */
  readonly token?: string | undefined;
  /** TLS as PEM file paths: the embedded peer serves with `cert`/`key`; clients trust `ca`. */
  readonly tls?: TlsOptions | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_TRANSFER_TIMEOUT_MS = 600_000;

function positive(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new InvalidArgumentError(`MeshConnector option ${name} must be a positive integer of at most ${max}, got ${value}.`);
  }
  return value;
}

/** TLS paths from a config: an object of optional strings. */
function tlsFromConfig(value: JsonValue | undefined): TlsOptions | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (): InvalidArgumentError => new InvalidArgumentError(`Mesh connector config option tls must be {cert?, key?, ca?} with file paths, got ${JSON.stringify(value)}.`);
  if (typeof value !== 'object' || Array.isArray(value)) throw bad();
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(value)) {
    if (!['cert', 'key', 'ca'].includes(name) || typeof path !== 'string') throw bad();
    out[name] = path;
  }
  return out;
}

/** What a peer holds, as `MeshConnector.stats` reports it. */
export interface PeerStats extends TableStats {
  /** The peer's advertised address ('' for an embedded peer not started yet). */
  readonly peer: string;
  /** The peer's incarnation ('' for an embedded peer not started yet). */
  readonly incarnation: string;
}

/** The embedded peer, on its worker thread or on this one. */
type Embedded = LocalPeer & { close(): Promise<void> };

async function startEmbedded(options: PeerOptions, thread: 'worker' | 'main'): Promise<Embedded> {
  if (thread === 'worker') return PeerThread.start(options);
  const peer = await Peer.start(options);
  return Object.assign(tablePeer(peer.state, peer.state.table), { close: () => peer.close() });
}

/** Where a key lives: in a peer of this process, or behind a client. */
type Route = { key: MeshKey; local: LocalPeer; remote?: undefined } | { key: MeshKey; local?: undefined; remote: PeerClient };

/** The mesh connector: deferrable, awaitable by push (`Await`), owner-addressed. */
export class MeshConnector implements DeferrableConnector<MeshKey>, AwaitableConnector<MeshKey> {
  readonly kind = 'mesh';
  readonly #options: MeshConnectorOptions;
  readonly #pool: ClientPool;
  #peer: Promise<Embedded> | undefined;
  // Capabilities of the deferred keys this connector made, until they are set or evicted.
  readonly #capabilities = new Map<string, string>();
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
    this.#pool = new ClientPool({
      chunkBytes: positive('chunkBytes', options.chunkBytes, DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES),
      maxObjectBytes: positive('maxObjectBytes', options.maxObjectBytes, bufferConstants.MAX_LENGTH),
      timeoutMs: positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
      transferTimeoutMs: positive('transferTimeoutMs', options.transferTimeoutMs, DEFAULT_TRANSFER_TIMEOUT_MS),
      token: resolveToken(options.token),
      tls: options.tls,
    });
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
    const pick = (name: string, type: 'string' | 'number'): never | undefined => {
      const value: JsonValue | undefined = config[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== type) throw new InvalidArgumentError(`Mesh connector config option ${name} must be a ${type}, got ${JSON.stringify(value)}.`);
      return value as never;
    };
    return new MeshConnector({
      peer: pick('peer', 'string'),
      listen: pick('listen', 'string'),
      advertise: pick('advertise', 'string'),
      thread: pick('thread', 'string'),
      chunkBytes: pick('chunkBytes', 'number'),
      maxObjectBytes: pick('maxObjectBytes', 'number'),
      timeoutMs: pick('timeoutMs', 'number'),
      transferTimeoutMs: pick('transferTimeoutMs', 'number'),
      maxBytes: pick('maxBytes', 'number'),
      maxWaiters: pick('maxWaiters', 'number'),
      tls: tlsFromConfig(config['tls']),
    });
  }

  /**
   * The options, as JSON: another process rebuilds an equivalent connector from them.
   * @returns plain JSON, with `kind`.
   */
  config(): ConnectorConfig {
    const config: Record<string, JsonValue> = { kind: this.kind };
    for (const [name, value] of Object.entries(this.#options)) {
      // The token is a secret: each process takes it from its own options or environment.
      if (value !== undefined && name !== 'token') config[name] = value as JsonValue;
    }
    return config as ConnectorConfig;
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
    };
    this.#peer ??= startEmbedded(peerOptions, o.thread ?? 'worker');
    return this.#peer;
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('This MeshConnector is closed. Create a new one.');
  }

  #route(key: MeshKey): Route {
    this.#open();
    const k = toMeshKey(key);
    const local = findLocalPeer(k.incarnation);
    return local ? { key: k, local } : { key: k, remote: this.#pool.client(k.peer) };
  }

  async put(payload: Payload, options?: CallOptions): Promise<MeshKey> {
    checkPayload(payload, 'MeshConnector');
    if (this.#options.peer !== undefined) return this.#pool.client(this.#options.peer).put(payload, options);
    const peer = await this.#embedded();
    return { peer: peer.address, incarnation: peer.incarnation, id: await peer.put(payload) };
  }

  async putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<MeshKey[]> {
    for (const p of payloads) checkPayload(p, 'MeshConnector');
    return Promise.all(payloads.map((p) => this.put(p, options)));
  }

  async get(key: MeshKey, options?: CallOptions): Promise<Payload | undefined> {
    const r = this.#route(key);
    return r.local ? r.local.get(r.key.id) : r.remote.get(r.key, options);
  }

  async getBatch(keys: readonly MeshKey[], options?: CallOptions): Promise<(Payload | undefined)[]> {
    return Promise.all(keys.map((k) => this.get(k, options)));
  }

  async exists(key: MeshKey, options?: CallOptions): Promise<boolean> {
    const r = this.#route(key);
    return r.local ? r.local.exists(r.key.id) : r.remote.exists(r.key, options);
  }

  async evict(key: MeshKey, options?: CallOptions): Promise<void> {
    const r = this.#route(key);
    this.#capabilities.delete(formatKey(r.key));
    if (r.local) await r.local.evict(r.key.id);
    else await r.remote.evict(r.key, options);
  }

  async newKey(options?: CallOptions): Promise<MeshKey> {
    let key: MeshKey;
    let capability: string;
    if (this.#options.peer !== undefined) {
      ({ key, capability } = await this.#pool.client(this.#options.peer).newKey(options));
    } else {
      const peer = await this.#embedded();
      const made = await peer.newKey();
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
    const r = this.#route(key);
    const name = formatKey(r.key);
    const capability = options?.capability ?? this.#capabilities.get(name) ?? '';
    if (r.local) await r.local.set(r.key.id, payload, capability);
    else await r.remote.set(r.key, payload, { ...options, capability });
    this.#capabilities.delete(name);
  }

  async awaitKey(key: MeshKey, options?: CallOptions): Promise<Payload> {
    const r = this.#route(key);
    if (r.remote) return r.remote.await(r.key, options);
    const signal = callSignal(options, `Waiting for key ${r.key.peer}/${r.key.id}`);
    throwIfAborted(signal);
    return r.local.wait(r.key.id, signal);
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
    const s = await this.#pool.client(target).stats(options);
    return { peer: s.peer, incarnation: s.incarnation, objects: Number(s.objects), bytes: Number(s.bytes), pendingKeys: Number(s.pendingKeys), waiters: Number(s.waiters) };
  }

  /** Closes channels and stops the embedded peer (its objects are dropped). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.close();
    const peer = await this.#peer?.catch(() => undefined);
    await peer?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The owner of what a `MeshConnector` puts, in its two modes:
 * - **attached**: a running peer (a `proxymesh peer` daemon), reached through its client; the
 *   owner capability each Put returns is remembered for `replace` and `expire`.
 * - **embedded**: this process's own peer, started on first need, on a worker thread (default)
 *   or on this one. A process that only reads or sets never starts one.
 * @module
 */
import { withinCall } from '../core/call-options.js';
import type { TableStats } from '../core/object-table.js';
import type { CallOptions, Payload } from '../core/protocol.js';
import { describeCall } from '../mesh/call-site.js';
import { formatKey, type MeshKey } from '../mesh/key.js';
import { tablePeer, type LocalPeer } from '../mesh/server/local-peers.js';
import { Peer, type PeerOptions } from '../mesh/server/peer.js';
import type { KeyCapabilities } from './mesh-capabilities.js';
import type { MeshConnectorOptions } from './mesh-options.js';
import type { MeshRoutes } from './mesh-routes.js';

/** What a peer holds, as `MeshConnector.stats` reports it. */
export interface PeerStats extends TableStats {
  /** The peer's advertised address ('' for an embedded peer not started yet). */
  readonly peer: string;
  /** The peer's incarnation ('' for an embedded peer not started yet). */
  readonly incarnation: string;
}

/** A deferred key and the capability its `set` requires. */
interface MadeKey {
  readonly key: MeshKey;
  readonly capability: string;
}

/** What a connector's puts, batches and new keys go to. */
export interface Owner {
  /** The owner's advertised "host:port" (starting an embedded peer). */
  address(): Promise<string>;
  put(payload: Payload, options: CallOptions | undefined): Promise<MeshKey>;
  putBatch(payloads: readonly Payload[], options: CallOptions | undefined): Promise<MeshKey[]>;
  newKey(options: CallOptions | undefined): Promise<MadeKey>;
  /** What the owner holds. */
  stats(options: CallOptions | undefined): Promise<PeerStats>;
  /** Stops what the owner started (an embedded peer: its objects are dropped). */
  close(): Promise<void>;
}

/** The stats of the peer at `address`, asked through its client. */
export async function remoteStats(routes: MeshRoutes, address: string, options: CallOptions | undefined): Promise<PeerStats> {
  const s = await (routes.pool ?? (await routes.clients())).client(address).stats(options);
  return { peer: s.peer, incarnation: s.incarnation, objects: Number(s.objects), bytes: Number(s.bytes), pendingKeys: Number(s.pendingKeys), waiters: Number(s.waiters) };
}

/** Attached mode: a running peer owns what this connector puts. */
export class AttachedOwner implements Owner {
  constructor(
    private readonly peer: string,
    private readonly routes: MeshRoutes,
    private readonly capabilities: KeyCapabilities,
  ) {}

  async address(): Promise<string> {
    return this.peer;
  }

  async put(payload: Payload, options: CallOptions | undefined): Promise<MeshKey> {
    const { key, capability } = await (this.routes.pool ?? (await this.routes.clients())).client(this.peer).putOwned(payload, options);
    this.capabilities.put(formatKey(key), capability);
    return key;
  }

  async putBatch(payloads: readonly Payload[], options: CallOptions | undefined): Promise<MeshKey[]> {
    // One PutBatch, stored all or none, instead of a call per object.
    return (this.routes.pool ?? (await this.routes.clients())).batch(this.peer).putBatch(payloads, options);
  }

  async newKey(options: CallOptions | undefined): Promise<MadeKey> {
    return (this.routes.pool ?? (await this.routes.clients())).client(this.peer).newKey(options);
  }

  stats(options: CallOptions | undefined): Promise<PeerStats> {
    return remoteStats(this.routes, this.peer, options);
  }

  /** Nothing of its own: the client pool is the routes' to close. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The embedded peer, on its worker thread or on this one. */
type Embedded = LocalPeer & { close(): Promise<void> };

// The peer thread's module (and the server, inside Peer.start) load only when a peer starts.
async function startEmbedded(options: PeerOptions, thread: 'worker' | 'main'): Promise<Embedded> {
  if (thread === 'worker') return (await import('../mesh/thread/peer-thread.js')).PeerThread.start(options);
  const peer = await Peer.start(options);
  return Object.assign(tablePeer(peer.state), { close: () => peer.close() });
}

/** Embedded mode: this process's peer owns what this connector puts; its calls need no gRPC. */
export class EmbeddedOwner implements Owner {
  #peer: Promise<Embedded> | undefined;

  /**
   * @param options - the connector's options: the peer's are taken from them.
   * @param open - throws when the connector is closed.
   */
  constructor(
    private readonly options: MeshConnectorOptions,
    private readonly open: () => void,
  ) {}

  /** The embedded peer, started on first need. */
  #embedded(): Promise<Embedded> {
    this.open();
    const o = this.options;
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

  async address(): Promise<string> {
    return (await this.#embedded()).address;
  }

  async put(payload: Payload, options: CallOptions | undefined): Promise<MeshKey> {
    const peer = await this.#embedded();
    const id = await withinCall(options, describeCall({ peer: peer.address, operation: 'put' }), () => peer.put(payload));
    return { peer: peer.address, incarnation: peer.incarnation, id };
  }

  async putBatch(payloads: readonly Payload[], options: CallOptions | undefined): Promise<MeshKey[]> {
    // One thread message, stored all or none, instead of one per object.
    const peer = await this.#embedded();
    const ids = await withinCall(options, describeCall({ peer: peer.address, operation: 'putBatch' }), () => peer.putBatch(payloads));
    return ids.map((id) => ({ peer: peer.address, incarnation: peer.incarnation, id }));
  }

  async newKey(options: CallOptions | undefined): Promise<MadeKey> {
    const peer = await this.#embedded();
    const made = await withinCall(options, describeCall({ peer: peer.address, operation: 'newKey' }), () => peer.newKey());
    return { key: { peer: peer.address, incarnation: peer.incarnation, id: made.id }, capability: made.capability };
  }

  /** The embedded peer's counts; zeros (and no address) while it has not started. */
  async stats(): Promise<PeerStats> {
    const peer = this.#peer ? await this.#peer : undefined;
    const counts = peer ? await peer.stats() : { objects: 0, bytes: 0, pendingKeys: 0, waiters: 0 };
    return { peer: peer?.address ?? '', incarnation: peer?.incarnation ?? '', ...counts };
  }

  async close(): Promise<void> {
    const peer = await this.#peer?.catch(() => undefined);
    await peer?.close();
  }
}

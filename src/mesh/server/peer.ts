/**
 * A running peer: a grpc-js server for the PeerService (plus gRPC health and reflection) over a
 * `PeerState`. A peer binds to loopback unless told otherwise, and can listen on one address
 * while advertising another (`listen 0.0.0.0:7001`, `advertise node12.cluster:7001`). The server
 * itself is peer-server.ts, loaded by the first `Peer.start`.
 * @module
 */
import type { TableStats } from '../../core/object-table.js';
import { PeerUnavailableError } from '../../errors.js';
import { log } from '../../log.js';
import { formatKey } from '../key.js';
import { addLocalPeer, removeLocalPeer, tablePeer } from './local-peers.js';
import type { PeerState } from './peer-state.js';
import type { Serving } from './peer-server.js';
import type { TlsOptions } from '../security.js';
import type { TopicOptions } from './topic-table.js';

/** Options of `Peer.start`; `topicEvents` and `topicBytes` bound each topic's buffer (Publish, Subscribe). */
export interface PeerOptions extends TopicOptions {
  /** Address to listen on, "host:port"; port 0 picks a free port. Default `127.0.0.1:0`. */
  readonly listen?: string | undefined;
  /**
   * Address other processes use to reach this peer, written into every key it makes: "host"
   * (the bound port is appended) or "host:port". Default: the listen host, or this machine's
   * host name when listening on a wildcard address (0.0.0.0 or ::).
   */
  readonly advertise?: string | undefined;
  /** Largest object accepted, in bytes. Default: the largest Buffer Node can allocate. */
  readonly maxObjectBytes?: number | undefined;
  /** Size of the data pieces this peer sends. Default 1 MiB. */
  readonly chunkBytes?: number | undefined;
  /** Most payload bytes held at once; past it, puts and sets get RESOURCE_EXHAUSTED. Default: no limit. */
  readonly maxBytes?: number | undefined;
  /** Most Await calls waiting at once; past it, RESOURCE_EXHAUSTED. Default: no limit. */
  readonly maxWaiters?: number | undefined;
  /**
   * A shared secret every PeerService call must carry (`authorization: Bearer <token>`), else
   * UNAUTHENTICATED. Default: `PROXYMESH_TOKEN`, or none. Health and reflection stay open.
   */
  readonly token?: string | undefined;
  /** TLS certificate and key (and a CA, which makes it mutual TLS), as PEM file paths. */
  readonly tls?: TlsOptions | undefined;
  /**
   * A memory file system where the peer keeps a private directory of object files, so that
   * processes on this host hand values over and read them as files instead of streaming them
   * (the contract's Locate). `false` turns it off. Default `/dev/shm`, where it exists.
   */
  readonly sharedMemory?: string | false | undefined;
}

/** A peer serving its objects over gRPC. */
export class Peer {
  #closing: Promise<void> | undefined;

  private constructor(
    /**
     * The peer's table and identity, for the embedded-peer plumbing in `src/mesh` and the mesh connector.
     * @internal
     */
    readonly state: PeerState,
    private readonly serving: Serving,
  ) {}

  /**
   * Starts a peer and resolves once it accepts connections.
   * @param options - where to listen and what to advertise, limits, token, TLS.
   * @returns the running peer.
   * @throws InvalidArgumentError for a malformed address or unreadable TLS files; the bind error when the port is taken.
   */
  static async start(options: PeerOptions = {}): Promise<Peer> {
    // The server code loads here, with the first peer: a process that never starts one never loads it.
    const { serve } = await import('./peer-server.js');
    const serving = await serve(options);
    const { state } = serving;
    const peer = new Peer(state, serving);
    addLocalPeer(tablePeer(state));
    log.info('peer started', { address: state.address, listen: serving.listening, incarnation: state.incarnation });
    return peer;
  }

  /** The advertised address, written into keys. */
  get address(): string {
    return this.state.address;
  }

  /** This start's incarnation id. */
  get incarnation(): string {
    return this.state.incarnation;
  }

  /**
   * What the peer holds now.
   * @returns objects, bytes, pending keys and waiters.
   */
  stats(): TableStats {
    return this.state.table.stats();
  }

  /**
   * Stops the peer: pending waits end at once with `UNAVAILABLE`, in-flight transfers get a
   * short grace period, then the server stops and every object is dropped. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    removeLocalPeer(this.state.incarnation);
    log.info('peer stopping', { address: this.address, ...this.stats() });
    this.serving.drain();
    this.state.table.close(
      (id) => new PeerUnavailableError(`Peer ${this.address} shut down while waiting for key ${formatKey(this.state.keyFor(id))}; the key will never be set.`),
    );
    try {
      await this.serving.stop();
    } finally {
      this.state.table.clear();
      this.state.files?.directory.close();
    }
  }

  /** Same as `close()`, for `await using peer = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

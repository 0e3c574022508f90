/**
 * A running peer: a grpc-js server for the PeerService (plus gRPC health and reflection) over a
 * `PeerState`. A peer binds to loopback unless told otherwise, and can listen on one address
 * while advertising another (`listen 0.0.0.0:7001`, `advertise node12.cluster:7001`).
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { hostname } from 'node:os';
import { Server, type ServerCredentials } from '@grpc/grpc-js';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { PeerServiceDefinition } from '../../gen/proxymesh/v1/peer.js';
import { PeerUnavailableError } from '../errors.js';
import type { TableStats } from '../connectors/object-table.js';
import { formatAddress, isLoopback, parseAddress } from './address.js';
import { DEFAULT_CHUNK_BYTES } from './chunks.js';
import { SERVER_OPTIONS } from './channel-options.js';
import { withServerWindow } from './server-window.js';
import { formatKey } from './key.js';
import { addLocalPeer, removeLocalPeer, tablePeer } from './local-peers.js';
import { PeerState, newIncarnation } from './peer-state.js';
import { DEFAULT_SHARED_BASE, SharedDirectory, removeOnExit } from './shared-directory.js';
import { isMainThread } from 'node:worker_threads';
import { peerDefinition, peerService } from './peer-service.js';
import { OPEN } from './grpc-handlers.js';
import { addNiceService } from './nice-services.js';
import { addReflection } from './reflection.js';
import { requireToken, resolveToken, serverCredentials, usesTls, type TlsOptions } from './security.js';
import { log } from '../log.js';

/** Options of `Peer.start`. */
export interface PeerOptions {
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

/** How long `close()` lets in-flight calls finish before cancelling them. */
const GRACE_MS = 2_000;

/**
 * What a peer advertises: the given "host:port", or a host that takes the bound port. Parsed
 * before the server binds, so a bad value fails without leaving a port open.
 */
function parseAdvertise(listenHost: string, advertise: string | undefined): { host: string; port?: number } {
  if (advertise === undefined) {
    const wildcard = listenHost === '0.0.0.0' || listenHost === '::';
    return { host: wildcard ? hostname() : listenHost };
  }
  const hasPort = advertise.startsWith('[') || /^[^:]+:\d+$/.test(advertise);
  if (hasPort) return parseAddress(advertise, 'advertise address');
  // A bare host: check it with a placeholder port; IPv6 literals come unbracketed here.
  const { host } = parseAddress(`${advertise.includes(':') ? `[${advertise}]` : advertise}:0`, 'advertise address');
  return { host };
}

/** Binds `server`; resolves with the port. */
function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port))));
}

/** Stops `server` once its calls have finished. */
function shutdown(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.tryShutdown((error) => (error ? reject(error) : resolve())));
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
    private readonly server: Server,
    private readonly health: HealthState,
  ) {}

  /**
   * Starts a peer and resolves once it accepts connections.
   * @param options - where to listen and what to advertise, limits, token, TLS.
   * @returns the running peer.
   * @throws InvalidArgumentError for a malformed address or unreadable TLS files; the bind error when the port is taken.
   */
  static async start(options: PeerOptions = {}): Promise<Peer> {
    const listen = parseAddress(options.listen ?? '127.0.0.1:0', 'listen address');
    const advertise = parseAdvertise(listen.host, options.advertise);
    const health = HealthState();
    const credentials = serverCredentials(options.tls);
    const token = resolveToken(options.token);
    const incarnation = newIncarnation();
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const sharedBase = options.sharedMemory ?? DEFAULT_SHARED_BASE;
    const directory = sharedBase === false ? undefined : SharedDirectory.open(sharedBase, incarnation);
    // An embedded peer's thread does this from the main thread (peer-thread.ts).
    if (directory !== undefined && isMainThread) removeOnExit(directory.path);
    const limits = {
      maxObjectBytes: options.maxObjectBytes ?? bufferConstants.MAX_LENGTH,
      chunkBytes,
      maxBytes: options.maxBytes ?? Number.POSITIVE_INFINITY,
      maxWaiters: options.maxWaiters ?? Number.POSITIVE_INFINITY,
    };
    const state = new PeerState(incarnation, limits, directory && { directory, minBytes: chunkBytes + 1 });
    const server = new Server(SERVER_OPTIONS);
    const guard = token === undefined ? OPEN : requireToken(token, () => state.address);
    server.addService(peerDefinition(), peerService(state, guard));
    addNiceService(server, HealthDefinition, HealthServiceImpl(health));
    addReflection(server, [PeerServiceDefinition.fullName, HealthDefinition.fullName]);
    const port = await withServerWindow(() => bind(server, formatAddress(listen), credentials)).catch((error: unknown) => {
      directory?.close();
      throw error;
    });
    if (!isLoopback(listen.host) && token === undefined && !usesTls(options.tls)) {
      process.emitWarning(
        `proxymesh peer listening on ${formatAddress({ ...listen, port })} with neither TLS nor a token: anyone who can reach it can read and write its objects. Set a token (PROXYMESH_TOKEN or --token) or TLS (--tls-cert/--tls-key).`,
        { code: 'PROXYMESH_INSECURE_PEER' },
      );
    }
    state.address = formatAddress({ host: advertise.host, port: advertise.port ?? port });
    health.setStatus('healthy');
    const peer = new Peer(state, server, health);
    addLocalPeer(tablePeer(state, state.table));
    log.info('peer started', { address: state.address, listen: formatAddress({ ...listen, port }), incarnation: state.incarnation });
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
    this.health.setStatus('unhealthy');
    this.state.table.close(
      (id) => new PeerUnavailableError(`Peer ${this.address} shut down while waiting for key ${formatKey(this.state.keyFor(id))}; the key will never be set.`),
    );
    // Graceful first; after the grace period, cancel what is left and stop waiting for it
    // (a call a client aborted before grpc-js started it can otherwise linger until keepalive).
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, GRACE_MS);
    });
    try {
      await Promise.race([shutdown(this.server), forced]);
    } finally {
      clearTimeout(timer);
      this.state.table.clear();
      this.state.files?.directory.close();
    }
  }

  /** Same as `close()`, for `await using peer = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

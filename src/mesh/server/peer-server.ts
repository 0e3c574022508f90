/**
 * The gRPC side of a peer: the grpc-js server for the PeerService, health and reflection over a
 * `PeerState`. `Peer.start` loads it with `import()`, so that importing the package, or a
 * process that only reads, never loads server code.
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { hostname } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { Server, type ServerCredentials } from '../wire/grpc-runtime.js';
import { PeerServiceDefinition } from '../../../gen/proxymesh/v1/peer.js';
import { formatAddress, isLoopback, parseAddress } from '../address.js';
import { DEFAULT_CHUNK_BYTES } from '../wire/chunk-sizes.js';
import { SERVER_OPTIONS } from '../channel-options.js';
import { withServerWindow } from './server-window.js';
import { PeerState, newIncarnation } from './peer-state.js';
import { MIRROR_MAX_BYTES } from '../wire/host-objects.js';
import { DEFAULT_SHARED_BASE, SharedDirectory, removeOnExit } from '../wire/shared-directory.js';
import { peerDefinition, peerService } from './peer-service.js';
import { topicService } from './topic-service.js';
import { TopicTable, topicLimits, topicsOf } from './topic-table.js';
import { OPEN } from './grpc-handlers.js';
import { HEALTH_SERVICE, Health, healthDefinition } from './health.js';
import { addReflection } from './reflection.js';
import { requireToken, resolveToken, serverCredentials, usesTls } from '../security.js';
import type { PeerOptions } from './peer.js';

/** How long `stop()` lets in-flight calls finish before cancelling them. */
const GRACE_MS = 2_000;

/** A bound server and its state. */
export interface Serving {
  readonly state: PeerState;
  /** The address it listens on, with the bound port. */
  readonly listening: string;
  /** Health turns NOT_SERVING (the first step of a shutdown). */
  drain(): void;
  /** The server stops once its calls finish, or cancels them when the grace period ends. */
  stop(): Promise<void>;
}

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

/** Graceful first; after the grace period, cancel what is left and stop waiting for it. */
async function stopServer(server: Server): Promise<void> {
  // A call a client aborted before grpc-js started it can otherwise linger until keepalive.
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, GRACE_MS);
  });
  try {
    await Promise.race([shutdown(server), forced]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Builds a peer's state and server and binds it.
 * @throws InvalidArgumentError for a malformed address or unreadable TLS files; the bind error when the port is taken.
 */
export async function serve(options: PeerOptions): Promise<Serving> {
  const listen = parseAddress(options.listen ?? '127.0.0.1:0', 'listen address');
  const advertise = parseAdvertise(listen.host, options.advertise);
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
  // Objects up to MIRROR_MAX_BYTES are mirrored into the directory; every larger one an embedded
  // peer's process stores lives in a file, so that all of them can be read on the host by id.
  const state = new PeerState(incarnation, limits, directory && { directory, minBytes: Math.min(chunkBytes, MIRROR_MAX_BYTES) + 1 });
  const server = new Server(SERVER_OPTIONS);
  const guard = token === undefined ? OPEN : requireToken(token, () => state.address);
  const health = new Health([PeerServiceDefinition.fullName]);
  const topics = topicsOf(state, () => new TopicTable(() => state.address, topicLimits(options, limits.maxObjectBytes)));
  server.addService(peerDefinition(), { ...peerService(state, guard), ...topicService(topics, guard) });
  server.addService(healthDefinition, health.handlers());
  addReflection(server, [PeerServiceDefinition.fullName, HEALTH_SERVICE]);
  const port = await withServerWindow(() => bind(server, formatAddress(listen), credentials)).catch((error: unknown) => {
    directory?.close();
    throw error;
  });
  const listening = formatAddress({ ...listen, port });
  if (!isLoopback(listen.host) && token === undefined && !usesTls(options.tls)) {
    process.emitWarning(
      `proxymesh peer listening on ${listening} with neither TLS nor a token: anyone who can reach it can read and write its objects. Set a token (PROXYMESH_TOKEN or --token) or TLS (--tls-cert/--tls-key).`,
      { code: 'PROXYMESH_INSECURE_PEER' },
    );
  }
  state.address = formatAddress({ host: advertise.host, port: advertise.port ?? port });
  return {
    state,
    listening,
    drain: () => {
      health.drain();
      topics.close();
    },
    stop: () => stopServer(server),
  };
}

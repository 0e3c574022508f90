/**
 * Where a mesh key lives, for `MeshConnector`: in a peer of this very process (its table, read in
 * memory) or behind the client of its owner (gRPC). The client pool, and with it the gRPC client
 * code, loads with the first call to another process: a connector that only talks to its own
 * peer, or a process that never calls, does without it.
 * @module
 */
import { withinCall } from '../core/call-options.js';
import type { CallOptions, JsonValue } from '../core/protocol.js';
import { describeCall } from '../mesh/call-site.js';
import type { ClientPool } from '../mesh/client/client-pool.js';
import type { ClientSettings, PeerClient } from '../mesh/client/peer-client.js';
import { formatKey, toMeshKey, type MeshKey } from '../mesh/key.js';
import { findLocalPeer, type LocalPeer } from '../mesh/server/local-peers.js';

/** Where a key lives: in a peer of this process, or behind a client. */
export type Route = { key: MeshKey; local: LocalPeer; remote?: undefined } | { key: MeshKey; local?: undefined; remote: PeerClient };

/**
 * What a call on a key is, for its deadline's message: the words of a remote call
 * (call-site.ts `describeCall`), so a deadline reads alike on every route.
 */
export const callWhat = (operation: string, key: MeshKey): string => describeCall({ peer: key.peer, operation, key: formatKey(key) });

/**
 * Runs `operation` on a key where it lives: on a peer of this process under the caller's
 * deadline and signal (`withinCall`: the work itself cannot be cancelled, the caller stops
 * waiting), else through the owner's client, which takes them with the call.
 */
export function onRoute<T>(route: Route, operation: string, options: CallOptions | undefined, local: (peer: LocalPeer, id: string) => Promise<T>, remote: (client: PeerClient, key: MeshKey) => Promise<T>): Promise<T> {
  const { local: peer } = route;
  return peer ? withinCall(options, callWhat(operation, route.key), () => local(peer, route.key.id)) : remote(route.remote, route.key);
}

/** The routes of one connector: the peers of this process, and the client pool, made on first need. */
export class MeshRoutes {
  #pool: ClientPool | undefined;
  #loading: Promise<ClientPool> | undefined;

  /**
   * @param settings - deadlines, sizes, token and TLS of the clients.
   * @param open - throws when the connector is closed.
   */
  constructor(
    private readonly settings: ClientSettings,
    private readonly open: () => void,
  ) {}

  /** The client pool if it is made already, as every call after the first finds it. */
  get pool(): ClientPool | undefined {
    return this.#pool;
  }

  /** The client pool, loaded and made on first need. */
  clients(): Promise<ClientPool> {
    this.#loading ??= import('../mesh/client/client-pool.js').then(({ ClientPool }) => {
      // A pool still loading when the connector closes is never made.
      this.open();
      return (this.#pool = new ClientPool(this.settings));
    });
    return this.#loading;
  }

  /** Where a key lives; sync once the pool exists, which every call after the first finds. */
  route(key: MeshKey): Route | Promise<Route> {
    this.open();
    const k = toMeshKey(key);
    const local = findLocalPeer(k.incarnation);
    if (local) return { key: k, local };
    if (this.#pool) return { key: k, remote: this.#pool.client(k.peer) };
    return this.clients().then((pool) => ({ key: k, remote: pool.client(k.peer) }));
  }

  /**
   * Loads the client code and, for a key of another process, opens the channel its waits (or
   * sets) use and locates the owner (see `MeshConnector.prepare`).
   */
  async prepare(key: JsonValue | undefined, use: 'wait' | 'set'): Promise<void> {
    const pool = await this.clients();
    if (key === undefined) return;
    const k = toMeshKey(key);
    if (findLocalPeer(k.incarnation) === undefined) await pool.client(k.peer).warm(k.incarnation, use);
  }

  /** Closes the pool's channels, if it was made. */
  close(): void {
    this.#pool?.close();
  }
}

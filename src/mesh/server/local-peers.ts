/**
 * The peers this process owns, by incarnation: a key owned by one of them is served without
 * gRPC by any connector in the process, directly from the table of a peer on this thread or
 * through the message port of a peer on its own thread.
 * @module
 */
import type { Payload } from '../../core/protocol.js';
import type { TableStats } from '../../core/object-table.js';
import { storeOrRelease } from '../../core/file-payload.js';
import { newObjectId } from '../../core/object-id.js';
import { issueKey, type PeerState } from './peer-state.js';
import { ownedPayload } from '../../serialize/borrowed.js';

/** A peer of this process, as a connector sees it: its table's operations, by object id. */
export interface LocalPeer {
  readonly address: string;
  readonly incarnation: string;
  put(payload: Payload): Promise<string>;
  get(id: string): Promise<Payload | undefined>;
  /** Stores payloads all or none (the byte limit applies to their total); returns their ids in order. */
  putBatch(payloads: readonly Payload[]): Promise<string[]>;
  /** The payloads of ids, in order; `undefined` where an id holds none. */
  getBatch(ids: readonly string[]): Promise<(Payload | undefined)[]>;
  exists(id: string): Promise<boolean>;
  evict(id: string): Promise<boolean>;
  /** Registers a deferred key; returns its id and the capability its `set` requires. */
  newKey(): Promise<{ id: string; capability: string }>;
  set(id: string, payload: Payload, capability: string): Promise<void>;
  /** Replaces the value of an object (this process owns the peer, so no capability is asked). */
  replace(id: string, payload: Payload): Promise<void>;
  /** Evicts the object once `ms` milliseconds have passed; 0 takes any time to live away. */
  expire(id: string, ms: number): Promise<void>;
  wait(id: string, signal?: AbortSignal): Promise<Payload>;
  stats(): Promise<TableStats>;
}

/**
 * A peer on this thread: its table, wrapped in the async interface. What this process stores is
 * mirrored for same-host readers where the peer has a directory (`PeerState.mirror`).
 */
export function tablePeer(state: PeerState): LocalPeer {
  const { table } = state;
  const kept = (id: string, payload: Payload): Payload => state.mirror(id, ownedPayload(payload));
  return {
    get address() {
      return state.address;
    },
    incarnation: state.incarnation,
    // A caller's borrowed bytes are copied: the table keeps them after the call.
    put: async (payload) => {
      const id = newObjectId();
      return storeOrRelease(kept(id, payload), (p) => table.put(p, undefined, id));
    },
    get: async (id) => table.get(id),
    putBatch: async (payloads) => table.putAll(payloads.map(ownedPayload)),
    getBatch: async (ids) => ids.map((id) => table.get(id)),
    exists: async (id) => table.exists(id),
    evict: async (id) => table.evict(id),
    newKey: async () => issueKey(table),
    set: async (id, payload, capability) => storeOrRelease(kept(id, payload), (p) => table.set(id, p, capability)),
    replace: async (id, payload) => table.replaceOwned(id, ownedPayload(payload)),
    expire: async (id, ms) => table.expire(id, ms),
    wait: (id, signal) => table.wait(id, signal),
    stats: async () => table.stats(),
  };
}

const peers = new Map<string, LocalPeer>();

/** Registers a peer that has started in this process. */
export function addLocalPeer(peer: LocalPeer): void {
  peers.set(peer.incarnation, peer);
}

/** Forgets a peer that has stopped. */
export function removeLocalPeer(incarnation: string): void {
  peers.delete(incarnation);
}

/** The peer of this process with this incarnation, if any. */
export function findLocalPeer(incarnation: string): LocalPeer | undefined {
  return peers.get(incarnation);
}

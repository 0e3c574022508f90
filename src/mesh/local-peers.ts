/**
 * The peers running in this process, by incarnation: a key owned by one of them is served
 * from memory, without gRPC, by any connector in the process.
 * @module
 */
import type { ObjectTable } from '../connectors/object-table.js';

/** What a connector needs of a peer in its own process. */
export interface LocalPeer {
  readonly address: string;
  readonly incarnation: string;
  readonly table: ObjectTable;
}

const peers = new Map<string, LocalPeer>();

/** Registers a peer that has started in this process. */
export function addLocalPeer(peer: LocalPeer): void {
  peers.set(peer.incarnation, peer);
}

/** Forgets a peer that has stopped. */
export function removeLocalPeer(peer: LocalPeer): void {
  if (peers.get(peer.incarnation) === peer) peers.delete(peer.incarnation);
}

/** The peer of this process with this incarnation, if any. */
export function findLocalPeer(incarnation: string): LocalPeer | undefined {
  return peers.get(incarnation);
}

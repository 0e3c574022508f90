/**
 * What a peer is, apart from its transport: its identity (advertised address, incarnation), its
 * object table and limits, and the checks that turn a key from the wire into a table id.
 * @module
 */
import type { Payload } from '../../core/protocol.js';
import { randomBytes } from 'node:crypto';
import { ObjectTable } from '../../core/object-table.js';
import { InvalidArgumentError, KeyLostError } from '../../errors.js';
import { formatKey, toMeshKey, type MeshKey } from '../key.js';
import type { SharedDirectory } from '../wire/shared-directory.js';

/** Limits a peer enforces. */
export interface PeerLimits {
  /** Largest object accepted, in bytes. Default: the largest Buffer Node can allocate. */
  readonly maxObjectBytes: number;
  /** Size of the data pieces this peer sends. */
  readonly chunkBytes: number;
  /** Most payload bytes held at once. Default: no limit. */
  readonly maxBytes: number;
  /** Most Await calls waiting at once. Default: no limit. */
  readonly maxWaiters: number;
}

/** The object files of a peer, for same-host readers (shared-directory.ts). */
export interface PeerFiles {
  readonly directory: SharedDirectory;
  /** The smallest object an embedded peer keeps as a file alone: smaller ones are kept in memory and mirrored (host-objects.ts). */
  readonly minBytes: number;
}

/**
 * Registers a deferred key in `table` with a fresh capability: 128 random bits, base64url. Only
 * the key's creator receives the capability, so holding a key (or a proxy) lets a process read,
 * not write.
 * @returns the key's id and the capability its `set` requires.
 */
export function issueKey(table: ObjectTable): { id: string; capability: string } {
  const capability = newCapability();
  return { id: table.newKey(capability), capability };
}

/** A fresh capability: 128 random bits, base64url (for a deferred key, or a put object's owner). */
export function newCapability(): string {
  return randomBytes(16).toString('base64url');
}

/** A fresh incarnation id: 16 lowercase hex digits. */
export function newIncarnation(): string {
  return randomBytes(8).toString('hex');
}

/** A peer's identity, objects and limits. */
export class PeerState {
  readonly table: ObjectTable;
  /** The advertised address; known only once the server is bound, so `Peer.start` sets it. */
  address = '';

  constructor(
    readonly incarnation: string,
    readonly limits: PeerLimits,
    /** Where same-host clients hand objects over as files; `undefined` when the peer offers none. */
    readonly files?: PeerFiles | undefined,
  ) {
    this.table = new ObjectTable((id) => `key ${formatKey(this.keyFor(id))}`, {
      maxBytes: limits.maxBytes,
      maxWaiters: limits.maxWaiters,
      // Called when a refusal is worded, once the address is known.
      where: () => `Peer ${this.address}`,
    });
  }

  /**
   * A new object `id` as the table should keep it: a small one stored by this process is
   * mirrored into the shared-memory directory for same-host readers (host-objects.ts).
   */
  mirror(id: string, payload: Payload): Payload {
    return this.files === undefined ? payload : this.files.directory.mirror(id, payload);
  }

  /** The key of an object id on this peer. */
  keyFor(id: string): MeshKey {
    return { peer: this.address, incarnation: this.incarnation, id };
  }

  /**
   * The table id of a key sent to this peer.
   * @throws InvalidArgumentError for a missing or malformed key.
   * @throws KeyLostError when the key names an earlier incarnation of this peer.
   */
  idOf(key: unknown): string {
    if (key === undefined || key === null) {
      throw new InvalidArgumentError(`The request to peer ${this.address} carries no key. Send the key returned by Put or NewKey.`);
    }
    let k: MeshKey;
    try {
      k = toMeshKey(key);
    } catch (error) {
      // The contract's messages name the peer too: a foreign client may talk to several.
      throw new InvalidArgumentError(`${(error as Error).message} (sent to peer ${this.address})`, { cause: error });
    }
    if (k.incarnation !== this.incarnation) {
      throw new KeyLostError(
        `Key ${formatKey(k)} is lost: the owner restarted. It was made by incarnation ${k.incarnation}, but peer ${this.address} is now incarnation ${this.incarnation}, and objects do not survive a restart. Produce the object again.`,
      );
    }
    return k.id;
  }
}

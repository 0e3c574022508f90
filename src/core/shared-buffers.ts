/**
 * Objects kept as views into a buffer they share. A peer receives a PutBatch as messages of about
 * 1 MiB, each holding hundreds of small objects; storing each object as a view into its message,
 * instead of a copy in a buffer of its own, saves a copy and a memory allocation per object
 * (BENCHMARKS.md, Tuning: "PutBatch: small objects stay in the message that carried them"). A view keeps the whole message alive, so sharing is bounded: a
 * buffer is shared only while its stored objects fill at least half of it. Below that, at
 * storing time or later when objects are evicted, the objects still stored are copied out and
 * the buffer is let go. Memory held for shared objects therefore stays under twice their bytes,
 * and each byte is copied out at most once.
 * @module
 */
import type { Payload } from './protocol.js';

/** The objects stored as views into one buffer. */
interface Group {
  /** Bytes of the objects in `ids`. */
  live: number;
  readonly ids: Map<string, Payload>;
}

/** A buffer a view is worth keeping in: its objects fill at least half of it. */
const worthSharing = (live: number, buffer: ArrayBufferLike): boolean => live * 2 >= buffer.byteLength;

/**
 * The payload with its bytes in a buffer of their own (not Node's shared pool, which would
 * share it again). The spread keeps whatever else the payload carries (a peer's verified checksum).
 */
function copied(payload: Payload): Payload {
  const data = Buffer.allocUnsafeSlow(payload.data.byteLength);
  data.set(payload.data);
  return { ...payload, data };
}

/** Which stored objects share a buffer, and when to copy them out of it. */
export class SharedBuffers {
  // Keyed weakly by the buffer: a group goes when its buffer does, so a cleared table leaves nothing here.
  readonly #groups = new WeakMap<ArrayBufferLike, Group>();

  /**
   * Decides how payloads that may be views into shared buffers are stored: kept as views where
   * their buffer is at least half filled by them, else copied. Record the result with `stored`.
   * @returns the payloads to store, in order.
   */
  adopt(payloads: readonly Payload[]): Payload[] {
    const live = new Map<ArrayBufferLike, number>();
    for (const { data } of payloads) live.set(data.buffer, (live.get(data.buffer) ?? 0) + data.byteLength);
    return payloads.map((payload) => {
      const { buffer } = payload.data;
      return worthSharing(live.get(buffer) ?? 0, buffer) ? payload : copied(payload);
    });
  }

  /** Records a payload `adopt` returned, stored under `id`. */
  stored(id: string, payload: Payload): void {
    const { buffer } = payload.data;
    // A payload that fills its buffer by itself shares it with nothing.
    if (payload.data.byteLength === buffer.byteLength) return;
    let group = this.#groups.get(buffer);
    if (group === undefined) {
      group = { live: 0, ids: new Map() };
      this.#groups.set(buffer, group);
    }
    group.live += payload.data.byteLength;
    group.ids.set(id, payload);
  }

  /**
   * Forgets an evicted object. When its buffer's remaining objects fill less than half of it,
   * they are copied out.
   * @returns the copies to store in place of those remaining objects, by id (none, usually).
   */
  evicted(id: string, payload: Payload): [string, Payload][] {
    const { buffer } = payload.data;
    const group = this.#groups.get(buffer);
    if (group === undefined || !group.ids.delete(id)) return [];
    group.live -= payload.data.byteLength;
    if (group.ids.size > 0 && worthSharing(group.live, buffer)) return [];
    this.#groups.delete(buffer);
    return [...group.ids].map(([other, kept]) => [other, copied(kept)]);
  }
}

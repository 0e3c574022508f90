/**
 * Payloads crossing a thread boundary. Posting a view clones its whole underlying buffer (a
 * slice of a large buffer, or a Buffer from Node's shared pool, would drag all of it along),
 * so a crossing payload is first copied into a fresh ArrayBuffer of exactly its size, which
 * is then transferred: one copy, of exactly the payload.
 * @module
 */
import type { Payload } from '../connectors/protocol.js';

/** A copy of a payload in a fresh ArrayBuffer, and the transfer list that moves it. */
export function detachedCopy(payload: Payload): { payload: { codec: string; data: Uint8Array }; transfer: ArrayBuffer[] } {
  const data = new Uint8Array(payload.data.byteLength);
  data.set(payload.data);
  return { payload: { codec: payload.codec, data }, transfer: [data.buffer] };
}

/** `detachedCopy` of each payload (`undefined` stays `null`), and one transfer list for them all. */
export function detachedCopies(payloads: readonly (Payload | undefined)[]): { payloads: ({ codec: string; data: Uint8Array } | null)[]; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const copies = payloads.map((p) => {
    if (p === undefined) return null;
    const { payload, transfer: buffers } = detachedCopy(p);
    transfer.push(...buffers);
    return payload;
  });
  return { payloads: copies, transfer };
}

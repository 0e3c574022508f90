/**
 * Payloads crossing a thread boundary. Posting a view clones its whole underlying buffer (a
 * slice of a large buffer, or a Buffer from Node's shared pool, would drag all of it along),
 * so a crossing payload is first copied into a fresh ArrayBuffer of exactly its size, which
 * is then transferred: one copy, of exactly the payload.
 * @module
 */
import type { Payload } from './protocol.js';

/**
 * A payload that is the caller's alone, ready to be transferred: its own buffer when the
 * payload spans all of it (a freshly received or read object), so it moves without a copy
 * (copying 10 MB into fresh memory cost 30–40 ms on a 2-core VM, more than the transfer that
 * made it); a copy otherwise. Never for a payload something else still holds (a table's object).
 */
export function detachedOwned(payload: Payload): { payload: { codec: string; data: Uint8Array }; transfer: ArrayBuffer[] } {
  const { data } = payload;
  if (data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
    return { payload: { codec: payload.codec, data }, transfer: [data.buffer] };
  }
  return detachedCopy(payload);
}

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

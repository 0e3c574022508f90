/**
 * Payloads that view the caller's own memory. The `bytes` codec hands a connector a view of the
 * value's bytes instead of a copy: most connectors send or write the bytes before the call
 * returns, so a copy would be wasted (copying 10 MB into fresh memory cost 30–40 ms on a 2-core
 * VM). A connector that keeps the payload after the call (an in-process table) takes an
 * `ownedPayload` instead, so that a caller changing its buffer later changes nothing stored.
 * @module
 */
import type { Payload } from '../core/protocol.js';

const borrowed = new WeakSet<Uint8Array>();

/** Marks `data` as a view of memory the caller still owns; returns it. */
export function borrow(data: Uint8Array): Uint8Array {
  borrowed.add(data);
  return data;
}

/** The payload, with its bytes copied when they are borrowed: for connectors that keep payloads. */
export function ownedPayload(payload: Payload): Payload {
  return borrowed.has(payload.data) ? { codec: payload.codec, data: new Uint8Array(payload.data) } : payload;
}

/**
 * The checksum a peer verified when an object arrived, kept on the payload it stores, so every
 * later Get, Await or GetBatch of that object sends the same checksum instead of recomputing
 * it: CRC-32C took 9% of a peer's CPU serving 64 MiB gets (BENCHMARKS.md, Tuning: "Checksums kept by the peer, and what limits large gets"). Only
 * objects the peer itself received and checked carry one, never a caller's payload, which the
 * caller might still change. (A WeakMap by buffer cost more to fill than the checksums it saved.)
 * @module
 */
import type { Payload } from '../../core/protocol.js';
import { crc32c } from './crc32c.js';

const VERIFIED = Symbol('verified CRC-32C');
type Verified = Payload & { readonly [VERIFIED]?: number };

/**
 * The payload, carrying the checksum just verified against its bytes (0, "not computed", is not kept).
 * @returns a new payload object with the same codec and bytes.
 */
export function withVerifiedCrc(payload: Payload, checksum: number): Payload {
  if (checksum === 0) return payload;
  const verified: Verified = { codec: payload.codec, data: payload.data, [VERIFIED]: checksum };
  return verified;
}

/** The payload's verified checksum, when it carries one. */
export function verifiedCrc(payload: Payload): number | undefined {
  return (payload as Verified)[VERIFIED];
}

/** The payload's CRC-32C: the verified one, else computed now. */
export function checksumOf(payload: Payload): number {
  return verifiedCrc(payload) ?? crc32c(payload.data);
}

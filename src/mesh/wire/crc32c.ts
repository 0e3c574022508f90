/**
 * CRC-32C (Castagnoli), the checksum every object stream ends with (the contract's
 * ObjectTrailer). It runs natively (`@node-rs/crc32`, SSE4.2/ARMv8 instructions, several GB/s)
 * because a table-driven JavaScript version managed about 400 MB/s here, slower than the wire.
 * @module
 */
import { crc32c as native } from '@node-rs/crc32';

/** Continues a CRC-32C over `data`; start with `crc = 0`. */
export function crc32c(data: Uint8Array, crc = 0): number {
  return native(data, crc);
}

/**
 * CRC-32C (Castagnoli), the checksum every object stream ends with (the contract's
 * ObjectTrailer). It runs natively (`@node-rs/crc32`, SSE4.2/ARMv8 instructions, several GB/s)
 * because a table-driven JavaScript version managed about 400 MB/s here, slower than the wire.
 * @module
 */
import { createRequire } from 'node:module';
import type * as Crc32 from '@node-rs/crc32';

// Loaded with require, not import: see grpc-runtime.ts.
const { crc32c: native } = createRequire(import.meta.url)('@node-rs/crc32') as typeof Crc32;

/** Continues a CRC-32C over `data`; start with `crc = 0`. */
export function crc32c(data: Uint8Array, crc = 0): number {
  return native(data, crc);
}

/**
 * The sizes of data pieces, apart from the code that cuts and checksums them (chunks.ts), so a
 * connector can check its options without loading the wire code.
 * @module
 */

/** Default size of a data piece: 1 MiB keeps every message far below gRPC's 4 MiB limit. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Largest data piece a peer accepts from others. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

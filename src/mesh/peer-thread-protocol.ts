/**
 * Messages between a `PeerThread` (the main side) and its worker. Payload bytes travel as
 * fresh ArrayBuffers that are transferred, never cloned: one copy per crossing, and never a
 * copy of a larger buffer a payload happens to be a view of.
 * @module
 */
import type { TableStats } from '../core/object-table.js';
import type { WireError } from '../util/error-wire.js';

/** A payload crossing the thread boundary. */
export interface WirePayload {
  readonly codec: string;
  readonly data: Uint8Array;
}

/**
 * A payload the main thread wrote into the peer's shared-memory directory (shared-files.ts):
 * the peer takes the file over instead of receiving the bytes.
 */
export interface WireFile {
  readonly file: { readonly name: string; readonly codec: string; readonly size: number; readonly crc32c: number };
}

/** The peer's shared-memory directory, for the main thread to write large payloads into. */
export interface ThreadFiles {
  readonly directory: string;
  /** The smallest payload worth a file. */
  readonly minBytes: number;
}

/** A request from the main thread; `id` pairs it with its reply. */
export type PeerThreadRequest =
  | { readonly id: number; readonly op: 'put'; readonly payload: WirePayload | WireFile }
  | { readonly id: number; readonly op: 'get' | 'exists' | 'evict' | 'wait'; readonly objectId: string }
  | { readonly id: number; readonly op: 'putBatch'; readonly payloads: readonly WirePayload[] }
  | { readonly id: number; readonly op: 'getBatch'; readonly objectIds: readonly string[] }
  | { readonly id: number; readonly op: 'set'; readonly objectId: string; readonly payload: WirePayload | WireFile; readonly capability: string }
  | { readonly id: number; readonly op: 'newKey' | 'stats' | 'close' }
  | { readonly id: number; readonly op: 'cancel'; readonly target: number };

/** Values replies carry. */
export type PeerThreadValue = string | boolean | WirePayload | readonly string[] | readonly (WirePayload | null)[] | TableStats | { readonly id: string; readonly capability: string } | null;

/** A reply from the worker, or its first message once the peer is listening (or failed to). */
export type PeerThreadReply =
  | { readonly id: number; readonly ok: true; readonly value: PeerThreadValue }
  | { readonly id: number; readonly ok: false; readonly error: WireError }
  | { readonly started: { readonly address: string; readonly incarnation: string; readonly files?: ThreadFiles | undefined } }
  | { readonly failed: WireError };

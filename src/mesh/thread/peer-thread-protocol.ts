/**
 * Messages between a `PeerThread` (the main side) and its worker. Payload bytes travel as
 * fresh ArrayBuffers that are transferred, never cloned: one copy per crossing, and never a
 * copy of a larger buffer a payload happens to be a view of.
 * @module
 */
import type { TableStats } from '../../core/object-table.js';
import type { PostedError } from '../../util/posted-error.js';

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

/**
 * What the worker does for the main thread, one method per operation: the one place both sides'
 * message types come from (the main side calls `op` with `Parameters`, the worker answers with
 * the `ReturnType`), so an operation cannot drift between them.
 */
export interface PeerThreadApi {
  put(payload: WirePayload | WireFile): string;
  get(objectId: string): WirePayload | null;
  putBatch(payloads: readonly WirePayload[]): string[];
  getBatch(objectIds: readonly string[]): (WirePayload | null)[];
  exists(objectId: string): boolean;
  evict(objectId: string): boolean;
  newKey(): { id: string; capability: string };
  set(objectId: string, payload: WirePayload | WireFile, capability: string): null;
  replace(objectId: string, payload: WirePayload | WireFile): null;
  expire(objectId: string, ms: number): null;
  /** Cancelled by a `cancel` request naming its id. */
  wait(objectId: string): WirePayload;
  stats(): TableStats;
  close(): null;
}

/** An operation of the worker. */
export type PeerThreadOp = keyof PeerThreadApi;

/** What operation `K` answers. */
export type PeerThreadResult<K extends PeerThreadOp> = ReturnType<PeerThreadApi[K]>;

/** A request from the main thread; `id` pairs it with its reply. */
export type PeerThreadRequest =
  | { [K in PeerThreadOp]: { readonly id: number; readonly op: K; readonly args: Parameters<PeerThreadApi[K]> } }[PeerThreadOp]
  | { readonly id: number; readonly op: 'cancel'; readonly target: number };

/** The worker's answer to one operation: its value, and the buffers transferred with it. */
export interface Answer<T> {
  readonly value: T;
  readonly transfer?: ArrayBuffer[];
}

/**
 * The worker's side of `PeerThreadApi`: each operation answers with its value and what to
 * transfer; `signal` fires when the main thread cancels the request.
 */
export type PeerThreadHandlers = { [K in PeerThreadOp]: (signal: AbortSignal, ...args: Parameters<PeerThreadApi[K]>) => Answer<PeerThreadResult<K>> | Promise<Answer<PeerThreadResult<K>>> };

/** A reply from the worker, or its first message once the peer is listening (or failed to). */
export type PeerThreadReply =
  | { readonly id: number; readonly ok: true; readonly value: PeerThreadResult<PeerThreadOp> }
  | { readonly id: number; readonly ok: false; readonly error: PostedError }
  | { readonly started: { readonly address: string; readonly incarnation: string; readonly files?: ThreadFiles | undefined } }
  | { readonly failed: PostedError };

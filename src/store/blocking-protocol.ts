/**
 * Messages between the blocking bridge (main side) and its worker: one request at a time,
 * answered through a port the main thread reads synchronously after `Atomics.wait`.
 * @module
 */
import type { ConnectorConfig, JsonValue } from '../core/protocol.js';
import type { ReferencePolling } from '../core/reference.js';
import type { PostedError } from '../util/posted-error.js';

/** What to fetch. */
export interface BlockingRequest {
  /** The config of the connector that holds the key; the worker rebuilds it once and reuses it. */
  readonly connector: ConnectorConfig;
  /** The key. */
  readonly key: JsonValue;
  /** Wait for the key to be set (a future's value) rather than answer "missing" at once. */
  readonly wait: boolean;
  /** Give up after this long; no limit when absent. */
  readonly timeoutMs?: number | undefined;
  /** How to poll while waiting, for connectors that cannot push (the reference's polling options). */
  readonly polling?: ReferencePolling | undefined;
}

/**
 * Not a request: the bridge will soon fetch `key` through this connector, so the worker builds it
 * and gets ready now (`prepare(key)`, when the connector has one: the mesh loads its gRPC client
 * and opens its channel to the key's owner). Nothing is answered.
 */
export interface BlockingPrepare {
  readonly prepare: ConnectorConfig;
  readonly key: JsonValue;
}

/** The worker's answer; `data` is a transferred buffer of exactly the payload's bytes. */
export type BlockingReply =
  | { readonly ok: true; readonly payload: { readonly codec: string; readonly data: Uint8Array } | null }
  | { readonly ok: false; readonly error: PostedError };

/** Slot 0 of the shared flag: 0 while the worker works, 1 once it has posted the reply. */
export const FLAG_DONE = 1;

/**
 * The messages between the bench orchestrator and its child processes (over Node's IPC
 * channel, JSON): one request per command, one reply each, matched by id.
 * @module
 */

/** Orchestrator → child. */
export interface Request {
  readonly id: number;
  readonly op: string;
  readonly args: Record<string, unknown>;
}

/** Child → orchestrator: the answer to one request, or the one-off "ready" notice. */
export type Reply =
  | { readonly kind: 'ready'; readonly info: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

/**
 * Where a call to a peer went and what it did, in the words of its errors. Loads nothing: a
 * connector names its calls to a peer of this process with it, without the gRPC client.
 * @module
 */

/** Where a failed call went, for error messages. */
export interface CallSite {
  /** The peer's address. */
  readonly peer: string;
  /** The key involved, in canonical form, when there is one. */
  readonly key?: string | undefined;
  /** What was being done, e.g. "get". */
  readonly operation: string;
}

/**
 * What a call to a peer is, as a deadline's message starts (core/call-options.ts
 * `deadlineError`): "The get of key … on peer …". Every route of a call, remote or to a peer of
 * this process, names it in these words.
 */
export function describeCall(site: CallSite): string {
  return site.key !== undefined ? `The ${site.operation} of key ${site.key} on peer ${site.peer}` : `The ${site.operation} on peer ${site.peer}`;
}

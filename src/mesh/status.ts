/**
 * The one place where proxymesh errors and gRPC status codes meet, in both directions.
 * Servers throw named errors and `toStatus` gives each its status; clients turn the status
 * back into the named error with `fromClientError`, adding which peer and key were involved.
 * @module
 */
import type { status as GrpcStatus } from '@grpc/grpc-js';
import { ClientError, ServerError, Status } from './wire/grpc-runtime.js';
import {
  ClosedError,
  DataCorruptedError,
  DeadlineExceededError,
  InvalidArgumentError,
  KeyExistsError,
  KeyLostError,
  KeyNotFoundError,
  LimitExceededError,
  PeerUnavailableError,
  PermissionDeniedError,
  ProxyMeshError,
} from '../errors.js';
import type { CallSite } from './call-site.js';

type ErrorClass = new (message: string, options?: ErrorOptions) => ProxyMeshError;

// Order matters for subclasses; these classes have none among themselves.
const toStatusCode: [ErrorClass, Status][] = [
  [InvalidArgumentError, Status.INVALID_ARGUMENT],
  [KeyNotFoundError, Status.NOT_FOUND],
  [KeyExistsError, Status.ALREADY_EXISTS],
  [KeyLostError, Status.DATA_LOSS],
  [DataCorruptedError, Status.INVALID_ARGUMENT],
  [LimitExceededError, Status.RESOURCE_EXHAUSTED],
  [PermissionDeniedError, Status.PERMISSION_DENIED],
  [PeerUnavailableError, Status.UNAVAILABLE],
  [ClosedError, Status.UNAVAILABLE],
  [DeadlineExceededError, Status.DEADLINE_EXCEEDED],
];

const fromStatus = new Map<Status, ErrorClass>([
  [Status.INVALID_ARGUMENT, InvalidArgumentError],
  [Status.NOT_FOUND, KeyNotFoundError],
  [Status.ALREADY_EXISTS, KeyExistsError],
  [Status.DATA_LOSS, KeyLostError],
  [Status.RESOURCE_EXHAUSTED, LimitExceededError],
  [Status.PERMISSION_DENIED, PermissionDeniedError],
  [Status.UNAUTHENTICATED, PermissionDeniedError],
  [Status.UNAVAILABLE, PeerUnavailableError],
  [Status.DEADLINE_EXCEEDED, DeadlineExceededError],
]);

// A status message travels in an HTTP/2 trailer: keep it far below header-size limits whatever
// input it quotes, or the client's whole connection fails (the fuzz test found one at 100 kB).
const MAX_MESSAGE = 2_000;
const bounded = (message: string): string => (message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE)}…`);

// An aborted nice-grpc implementation (health, reflection) throws abort-controller-x's AbortError,
// recognised by name as that package does: importing it for this would load it into every client.
const isAbortError = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

/** The status a peer answers with for an error thrown by a handler (grpc-js sends it as is). */
export function toStatus(error: unknown): { code: GrpcStatus; details: string } {
  const status = (code: Status, details: string) => ({ code, details: bounded(details) });
  if (error instanceof ServerError) return status(error.code, error.details);
  if (isAbortError(error)) return status(Status.CANCELLED, 'The call was cancelled.');
  for (const [cls, code] of toStatusCode) {
    if (error instanceof cls) return status(code, error.message);
  }
  // Anything else is a bug on our side: say so without leaking internals beyond the message.
  const message = error instanceof Error ? error.message : String(error);
  return status(Status.INTERNAL, `The peer failed unexpectedly: ${message}`);
}

/**
 * The named error for a failed client call: gRPC statuses become the classes above; any other
 * error goes on as it is. A call its signal ended (the caller's signal, or the call's deadline:
 * core/call-options.ts) already failed with the signal's reason (client/grpc-calls.ts).
 */
export function fromClientError(error: unknown, site: CallSite): Error {
  if (!(error instanceof ClientError)) return error instanceof Error ? error : new ProxyMeshError(String(error));
  const cls = fromStatus.get(error.code) ?? ProxyMeshError;
  const subject = site.key ? `${site.operation} of key ${site.key}` : site.operation;
  if (error.code === Status.UNAVAILABLE) {
    return new cls(
      `The ${subject} failed: peer ${site.peer} is unavailable (${error.details}). Check that the peer is running and reachable from here; a peer that shut down has lost its objects.`,
      { cause: error },
    );
  }
  // A DEADLINE_EXCEEDED status received from the peer: a deadline the peer's side ran out of,
  // not this call's own (that one aborts the call's signal with core/call-options.ts
  // `deadlineError`, and the call fails with that reason, never reaching this mapping).
  if (error.code === Status.DEADLINE_EXCEEDED) {
    return new cls(`The ${subject} on peer ${site.peer} did not finish before its deadline. Raise timeoutMs or check the peer's load.`, { cause: error });
  }
  return new cls(`${error.details} (${subject} on peer ${site.peer})`, { cause: error });
}

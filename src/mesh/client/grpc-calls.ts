/**
 * The three call shapes a peer client uses (unary, server streaming, client streaming) as
 * promises over bare grpc-js. nice-grpc's per-call plumbing (a call context, an AbortController
 * and abort listeners, three async-generator hops per message) made a 100 B get 1.6–1.8× a bare
 * grpc-js unary call (BENCHMARKS.md, Tuning: "The client on bare grpc-js"); here a call is grpc-js's own call object with
 * event listeners: messages are handed to the caller as they arrive, and the call's signal (the
 * caller's and its deadline in one, core/call-options.ts) is listened to only when there is one.
 * A call the signal ends fails with the signal's reason (a deadline's is DeadlineExceededError);
 * any other failure is a nice-grpc `ClientError`, which status.ts maps to the named errors.
 * @module
 */
import type { Client, ClientWritableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { ClientError, Status } from '../wire/grpc-runtime.js';

/** A method of the contract: its path and how its messages are (de)serialised. */
export interface Method<Request, Response> {
  readonly path: string;
  readonly serialize: (request: Request) => Buffer;
  readonly deserialize: (bytes: Buffer) => Response;
}

/** What every call carries. */
export interface CallSettings {
  readonly metadata: Metadata;
  /**
   * Ends the call: the caller's signal and the deadline in one (core/call-options.ts `callScope`).
   * The call is cancelled when it fires and fails with its reason.
   */
  readonly signal: AbortSignal | undefined;
}

/**
 * Per-call options: none. The deadline is the signal's (core/call-options.ts) rather than grpc-js's
 * `deadline` option: that one also sends a `grpc-timeout` header that the server parses and arms
 * its own timer for, which measured 8% of a 100 B get; the client's timer alone bounds every
 * call, as the design asks. So grpc-js gets the shared empty object.
 */
const NO_OPTIONS = {};

/** A grpc-js failure as nice-grpc's `ClientError`, the one form status.ts reads. */
function clientError(path: string, error: Partial<ServiceError>): ClientError {
  return new ClientError(path, error.code ?? Status.UNKNOWN, error.details ?? error.message ?? 'unknown error');
}

/** The signal's watch over one call. */
interface Watch {
  /** Names the call to cancel; at once if the signal has already fired. */
  attach(call: { cancel(): void }): void;
  /** Stops watching; call once the call is over. */
  stop(): void;
}

/** The watch of a call without a signal: nothing can end it early. */
const UNWATCHED: Watch = { attach: () => {}, stop: () => {} };

/** Cancels a call when its signal fires (the caller's, or its deadline). */
function watch(signal: AbortSignal | undefined): Watch {
  if (signal === undefined) return UNWATCHED;
  let call: { cancel(): void } | undefined;
  const cancel = (): void => call?.cancel();
  return {
    attach(target: { cancel(): void }): void {
      call = target;
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
    },
    stop(): void {
      signal.removeEventListener('abort', cancel);
    },
  };
}

/**
 * How a call failed: the signal's reason when it cut the call short (grpc-js then reports
 * CANCELLED; a reason that is no Error is left to status.ts, as a cancelled call), else
 * grpc-js's status.
 */
function failed(path: string, signal: AbortSignal | undefined, error: Partial<ServiceError>): Error {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  return reason instanceof Error ? reason : clientError(path, error);
}

/** A unary call. */
export function unary<Request, Response>(client: Client, method: Method<Request, Response>, request: Request, settings: CallSettings): Promise<Response> {
  return new Promise((resolve, reject) => {
    const watched = watch(settings.signal);
    const call = client.makeUnaryRequest(method.path, method.serialize, method.deserialize, request, settings.metadata, NO_OPTIONS, (error, response) => {
      watched.stop();
      if (error || response === undefined) reject(failed(method.path, settings.signal, error ?? {}));
      else resolve(response);
    });
    watched.attach(call);
  });
}

/**
 * A server-streaming call: `onMessage` gets each response as it arrives, and returns true once
 * it has all it needs (a whole object, or its trailer): the call then resolves at once, without
 * waiting for the status that follows (the object is complete and its checksum verified; a wake-up
 * is that much sooner). If `onMessage` throws, the call is cancelled and fails with that error.
 * When `pause` returns a promise after a message, the stream stops taking messages until it
 * resolves (HTTP/2 flow control then holds the sender back).
 */
export function serverStream<Request, Response>(
  client: Client,
  method: Method<Request, Response>,
  request: Request,
  settings: CallSettings,
  onMessage: (response: Response) => boolean,
  pause?: () => Promise<void> | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const watched = watch(settings.signal);
    const call = client.makeServerStreamRequest(method.path, method.serialize, method.deserialize, request, settings.metadata, NO_OPTIONS);
    watched.attach(call);
    let failure: Error | undefined;
    let complete = false;
    call.on('data', (response: Response) => {
      if (failure !== undefined || complete) return;
      try {
        complete = onMessage(response);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        call.cancel();
        return;
      }
      if (complete) {
        watched.stop();
        resolve();
        return;
      }
      const until = pause?.();
      if (until !== undefined) {
        call.pause();
        void until.then(() => call.resume());
      }
    });
    // grpc-js emits 'error' (a status other than OK) before the stream's 'end'.
    call.on('error', (error: ServiceError) => {
      watched.stop();
      reject(failure ?? failed(method.path, settings.signal, error));
    });
    call.on('end', () => {
      watched.stop();
      if (failure === undefined) resolve();
      else reject(failure);
    });
  });
}

/** Resolves when `call` may take more (`drain`), or never if the call is over first (the caller races it with the result). */
const drained = (call: { once(event: 'drain', listener: () => void): unknown }): Promise<void> => new Promise((resolve) => call.once('drain', resolve));

/**
 * A client-streaming call that sends `requests` in order, waiting for grpc-js to drain its
 * buffer whenever it asks to, and resolves with the response.
 */
export async function clientStream<Request, Response>(client: Client, method: Method<Request, Response>, requests: Iterable<Request>, settings: CallSettings): Promise<Response> {
  // A call cancelled before it starts never starts: grpc-js can still send a one-message stream
  // (a put or set handed over as a file) that is written and ended in the tick of its cancel.
  settings.signal?.throwIfAborted();
  const watched = watch(settings.signal);
  let call: ClientWritableStream<Request> | undefined;
  let over = false;
  const result = new Promise<Response>((resolve, reject) => {
    call = client.makeClientStreamRequest(method.path, method.serialize, method.deserialize, settings.metadata, NO_OPTIONS, (error, response) => {
      over = true;
      watched.stop();
      if (error || response === undefined) reject(failed(method.path, settings.signal, error ?? {}));
      else resolve(response);
    });
  });
  const writable = call as unknown as ClientWritableStream<Request>;
  watched.attach(writable);
  let first = true;
  for (const request of requests) {
    // One event-loop turn between messages sends the one before (grpc-js frames it in promise
    // callbacks, and Node's HTTP/2 writes to the socket in an immediate), so the peer works on
    // it while this one is serialised. A one-message stream, most calls, waits for nothing.
    // Raced with the result, as the wait for a drain: a call that fails meanwhile ends the loop.
    if (!first) await Promise.race([new Promise(setImmediate), result]);
    // A peer that answered already (say, refusing a batch over its byte limit) needs the rest no more.
    if (over) break;
    first = false;
    if (!writable.write(request)) await Promise.race([drained(writable), result]);
  }
  writable.end();
  return result;
}

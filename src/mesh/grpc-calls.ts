/**
 * The three call shapes a peer client uses (unary, server streaming, client streaming) as
 * promises over bare grpc-js. nice-grpc's per-call plumbing (a call context, an AbortController
 * and abort listeners, three async-generator hops per message) made a 100 B get 1.6–1.8× a bare
 * grpc-js unary call (BENCHMARKS.md, Tuning §5); here a call is grpc-js's own call object with
 * event listeners: messages are handed to the caller as they arrive, the deadline is grpc-js's
 * `deadline` option (no timer of ours), and a signal is listened to only when there is one.
 * Failures are nice-grpc `ClientError`s, so status.ts maps them to the named errors as before.
 * @module
 */
import type { Client, ClientWritableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { ClientError, Status } from 'nice-grpc';

/** A method of the contract: its path and how its messages are (de)serialised. */
export interface Method<Request, Response> {
  readonly path: string;
  readonly serialize: (request: Request) => Buffer;
  readonly deserialize: (bytes: Buffer) => Response;
}

/** What every call carries. */
export interface CallSettings {
  readonly metadata: Metadata;
  /** When the call must be over, as `Date.now()` milliseconds; none when undefined. */
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
}

const options = (settings: CallSettings): { deadline?: number } => (settings.deadline === undefined ? {} : { deadline: settings.deadline });

/** A grpc-js failure as nice-grpc's `ClientError`, the one form status.ts reads. */
function clientError(path: string, error: Partial<ServiceError>): ClientError {
  return new ClientError(path, error.code ?? Status.UNKNOWN, error.details ?? error.message ?? 'unknown error');
}

/** Cancels `call` when `signal` fires; returns the function that stops listening. */
function cancelOnAbort(call: { cancel(): void }, signal: AbortSignal | undefined): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    call.cancel();
    return () => {};
  }
  const cancel = (): void => call.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

/** A unary call. */
export function unary<Request, Response>(client: Client, method: Method<Request, Response>, request: Request, settings: CallSettings): Promise<Response> {
  return new Promise((resolve, reject) => {
    let stop = (): void => {};
    const call = client.makeUnaryRequest(method.path, method.serialize, method.deserialize, request, settings.metadata, options(settings), (error, response) => {
      stop();
      if (error || response === undefined) reject(clientError(method.path, error ?? {}));
      else resolve(response);
    });
    stop = cancelOnAbort(call, settings.signal);
  });
}

/**
 * A server-streaming call: `onMessage` gets each response as it arrives. If it throws, the call
 * is cancelled and fails with that error.
 */
export function serverStream<Request, Response>(client: Client, method: Method<Request, Response>, request: Request, settings: CallSettings, onMessage: (response: Response) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = client.makeServerStreamRequest(method.path, method.serialize, method.deserialize, request, settings.metadata, options(settings));
    let failure: Error | undefined;
    const stop = cancelOnAbort(call, settings.signal);
    call.on('data', (response: Response) => {
      if (failure !== undefined) return;
      try {
        onMessage(response);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        call.cancel();
      }
    });
    // grpc-js emits 'error' (a status other than OK) before the stream's 'end'.
    call.on('error', (error: ServiceError) => {
      stop();
      reject(failure ?? clientError(method.path, error));
    });
    call.on('end', () => {
      stop();
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
  let stop = (): void => {};
  let call: ClientWritableStream<Request> | undefined;
  const result = new Promise<Response>((resolve, reject) => {
    call = client.makeClientStreamRequest(method.path, method.serialize, method.deserialize, settings.metadata, options(settings), (error, response) => {
      stop();
      if (error || response === undefined) reject(clientError(method.path, error ?? {}));
      else resolve(response);
    });
  });
  const writable = call as unknown as ClientWritableStream<Request>;
  stop = cancelOnAbort(writable, settings.signal);
  for (const request of requests) {
    if (!writable.write(request)) await Promise.race([drained(writable), result]);
  }
  writable.end();
  return result;
}

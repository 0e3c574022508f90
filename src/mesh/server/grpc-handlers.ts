/**
 * The server side of grpc-calls.ts: plain handler functions served on a bare grpc-js `Server`.
 * Each adapter adds what every call of the peer needs, in one place: the token check, the
 * refusal of undecodable messages (tolerant-decode.ts), named errors turned into gRPC statuses
 * (status.ts), backpressure on response streams, and the client's cancellation as an
 * `AbortSignal`. nice-grpc's server did the same through a call context, async generators and
 * two middlewares per call, which cost a 100 B get ~0.1× of a bare unary call (BENCHMARKS.md,
 * Tuning: "The peer's server on bare grpc-js"). Here a handler that can answer at once does so in the same tick.
 * @module
 */
import type {
  Metadata,
  ServerDuplexStream,
  MethodDefinition,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
} from '@grpc/grpc-js';
import { checkDecoded } from './tolerant-decode.js';
import { toStatus } from '../status.js';
import { asBuffer } from '../wire/buffer-view.js';

/** Any server call: what a handler gets to watch for cancellation. */
export type ServerCall = ServerUnaryCall<unknown, unknown> | ServerReadableStream<unknown, unknown> | ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

/** Refuses a call by throwing (e.g. a missing token), before its handler runs. */
export type Guard = (metadata: Metadata) => void;

/** Lets every call through. */
export const OPEN: Guard = () => {};

interface MessageType {
  encode(message: never): { finish(): Uint8Array };
  decode(input: Uint8Array): unknown;
}

/** A service definition as ts-proto generates it (what nice-grpc serves). */
export interface TsProtoService {
  readonly fullName: string;
  readonly methods: Record<string, { readonly name: string; readonly requestType: MessageType; readonly responseType: MessageType; readonly requestStream: boolean; readonly responseStream: boolean }>;
}

/**
 * The grpc-js form of a ts-proto definition. Unlike nice-grpc it does not run `fromPartial` on
 * every message: handlers must return complete messages (ts-proto's encoder writes an
 * `undefined` scalar as a field).
 */
export function grpcDefinition(service: TsProtoService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service.methods)) {
    const { requestType, responseType } = method;
    definition[name] = {
      path: `/${service.fullName}/${method.name}`,
      requestStream: method.requestStream,
      responseStream: method.responseStream,
      requestSerialize: (message) => asBuffer(requestType.encode(message as never).finish()),
      requestDeserialize: (bytes: Buffer) => requestType.decode(bytes),
      responseSerialize: (message) => asBuffer(responseType.encode(message as never).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.decode(bytes),
    };
  }
  return definition;
}

/** An `AbortSignal` that fires when the client cancels the call (or its connection drops). */
export function cancelSignal(call: ServerCall): AbortSignal {
  const controller = new AbortController();
  if (call.cancelled) controller.abort();
  else (call as NodeJS.EventEmitter).once('cancelled', () => controller.abort());
  return controller.signal;
}

/** Resolves when a response stream can take more, or when its call is cancelled. */
export function drained(call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.once('drain', done);
    call.once('cancelled', done);
  });
}

/** Ends a response stream with the status of `error` (grpc-js's streams turn an 'error' event into the status). */
export function failStream(call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>, error: unknown): void {
  if (!call.cancelled) call.emit('error', toStatus(error));
}

/** A unary method: `handler` returns the response, or a promise of it. */
export function unaryCall<Request, Response>(guard: Guard, method: string, handler: (request: Request) => Response | Promise<Response>): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    let result: Response | Promise<Response>;
    try {
      guard(call.metadata);
      checkDecoded(call.request, method);
      result = handler(call.request);
    } catch (error) {
      callback(toStatus(error));
      return;
    }
    if (result instanceof Promise) result.then((response) => callback(null, response), (error: unknown) => callback(toStatus(error)));
    else callback(null, result);
  };
}

/** Writes `messages` in order, pausing while the stream is full; ends the call with OK or with the error thrown. */
function writeAll<Response>(call: ServerWritableStream<unknown, Response>, messages: Iterator<Response>): void {
  try {
    for (let next = messages.next(); !next.done; next = messages.next()) {
      if (call.cancelled) return;
      if (!call.write(next.value)) {
        void drained(call).then(() => writeAll(call, messages));
        return;
      }
    }
  } catch (error) {
    failStream(call, error);
    return;
  }
  if (!call.cancelled) call.end();
}

/**
 * A server-streaming method: `handler` returns the responses, or a promise of them once it has
 * them (an Await). It gets the call, for `cancelSignal`.
 */
export function serverStreamingCall<Request, Response>(
  guard: Guard,
  method: string,
  handler: (request: Request, call: ServerCall) => Iterable<Response> | Promise<Iterable<Response>>,
): handleServerStreamingCall<Request, Response> {
  return (call) => {
    let result: Iterable<Response> | Promise<Iterable<Response>>;
    try {
      guard(call.metadata);
      checkDecoded(call.request, method);
      result = handler(call.request, call);
    } catch (error) {
      failStream(call, error);
      return;
    }
    if (result instanceof Promise) result.then((messages) => writeAll(call, messages[Symbol.iterator]()), (error: unknown) => failStream(call, error));
    else writeAll(call, result[Symbol.iterator]());
  };
}

/** What a client-streaming handler does with its stream: take each request, then answer. */
export interface RequestSink<Request, Response> {
  /** Takes the next request; throwing refuses the call with that error. */
  push(request: Request): void;
  /** Answers once the client has sent everything; throwing refuses the call. */
  finish(): Response;
}

/**
 * A client-streaming method: `start` makes the sink that each request is pushed into as it
 * arrives (synchronously, so a small put or set is answered in the tick its last message
 * arrives, with no async iteration of the stream in between). The first error ends the call
 * with its status and drops the rest of the stream; a call the client cancels just stops.
 */
export function clientStreamingCall<Request, Response>(
  guard: Guard,
  method: string,
  start: (call: ServerCall) => RequestSink<Request, Response>,
): handleClientStreamingCall<Request, Response> {
  return (call, callback) => {
    let sink: RequestSink<Request, Response> | undefined;
    const refuse = (error: unknown): void => {
      sink = undefined;
      callback(toStatus(error));
      call.destroy();
    };
    try {
      guard(call.metadata);
      sink = start(call);
    } catch (error) {
      refuse(error);
      return;
    }
    call.on('data', (request: Request) => {
      if (sink === undefined) return;
      try {
        checkDecoded(request, method);
        sink.push(request);
      } catch (error) {
        refuse(error);
      }
    });
    call.on('end', () => {
      if (sink === undefined) return;
      const finished = sink;
      sink = undefined;
      let response: Response;
      try {
        response = finished.finish();
      } catch (error) {
        callback(toStatus(error));
        return;
      }
      callback(null, response);
    });
    // A cancelled call's stream is destroyed: nobody is left to answer.
    call.on('close', () => (sink = undefined));
    call.on('error', () => (sink = undefined));
  };
}

/**
 * Undecodable messages become refusals, not silent truncation. grpc-js answers a message it
 * cannot deserialise with INTERNAL, but ends the handler's request stream as if the client had
 * finished: a Put whose last message was garbage would still store the object under a key nobody
 * received (measured by the fuzz test: unbounded memory). So the peer decodes through
 * `tolerantDefinition`, which turns a decode failure into a marker, and
 * `rejectMalformedMiddleware` refuses any call that carries one with INVALID_ARGUMENT, before the
 * handler acts on it.
 * @module
 */
import type { CallContext, ServerMiddlewareCall } from 'nice-grpc';
import { zeroCopyDefinition } from './wire-codec.js';
import { InvalidArgumentError } from '../errors.js';

const MALFORMED = Symbol('malformed');

interface Malformed {
  readonly [MALFORMED]: string;
}

function isMalformed(message: unknown): message is Malformed {
  return typeof message === 'object' && message !== null && MALFORMED in message;
}

type Decoder<T> = { decode(input: Uint8Array, length?: number): T };

function tolerant<T, M extends Decoder<T>>(fns: M): M {
  return {
    ...fns,
    decode(input: Uint8Array, length?: number): T {
      try {
        return fns.decode(input, length);
      } catch (error) {
        return { [MALFORMED]: (error as Error).message } as unknown as T;
      }
    },
  };
}

/** The PeerService definition the peer serves: zero-copy codecs (wire-codec.ts), with decoding that never throws. */
export const tolerantDefinition = {
  ...zeroCopyDefinition,
  methods: Object.fromEntries(
    Object.entries(zeroCopyDefinition.methods).map(([name, method]) => [name, { ...method, requestType: tolerant(method.requestType as Decoder<unknown>) }]),
  ),
} as typeof zeroCopyDefinition;

function refuse(message: Malformed, method: string): InvalidArgumentError {
  return new InvalidArgumentError(`A ${method} message could not be decoded as the contract's request type (${message[MALFORMED]}); nothing was changed. Send messages built from proto/proxymesh/v1/peer.proto.`);
}

async function* checked<T>(messages: AsyncIterable<T>, method: string): AsyncGenerator<T> {
  for await (const message of messages) {
    if (isMalformed(message)) throw refuse(message, method);
    yield message;
  }
}

/** Refuses a call, or a stream at its first bad message, when a message could not be decoded. */
export async function* rejectMalformedMiddleware<Request, Response>(
  call: ServerMiddlewareCall<Request, Response>,
  context: CallContext,
): AsyncGenerator<Response, Response | void, undefined> {
  const method = call.method.path.split('/').pop() ?? call.method.path;
  if (call.requestStream) {
    return yield* call.next(checked(call.request, method), context);
  }
  if (isMalformed(call.request)) throw refuse(call.request, method);
  return yield* call.next(call.request, context);
}

/**
 * Undecodable messages become refusals, not silent truncation. grpc-js answers a message it
 * cannot deserialise with INTERNAL, but ends the handler's request stream as if the client had
 * finished: a Put whose last message was garbage would still store the object under a key nobody
 * received (measured by the fuzz test: unbounded memory). So the peer decodes through
 * `tolerantDefinition`, which turns a decode failure into a marker, and `checkDecoded` (called
 * by every handler adapter in grpc-handlers.ts) refuses any call that carries one with
 * INVALID_ARGUMENT, before the handler acts on it.
 * @module
 */
import { zeroCopyDefinition } from '../wire/wire-codec.js';
import { InvalidArgumentError } from '../../errors.js';

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

/**
 * Refuses a message that could not be decoded, before any handler acts on it.
 * @throws InvalidArgumentError naming the method and what was wrong.
 */
export function checkDecoded(message: unknown, method: string): void {
  if (isMalformed(message)) {
    throw new InvalidArgumentError(`A ${method} message could not be decoded as the contract's request type (${message[MALFORMED]}); nothing was changed. Send messages built from proto/proxymesh/v1/peer.proto.`);
  }
}

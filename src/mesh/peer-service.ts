/**
 * The PeerService handlers: the contract's RPCs over a peer's object table. Handlers throw the
 * named errors; `errorStatusMiddleware` turns them into gRPC statuses in one place.
 * @module
 */
import type { CallContext, ServerMiddlewareCall } from 'nice-grpc';
import type {
  AwaitResponse,
  GetResponse,
  PeerServiceImplementation,
  PutRequest,
  SetRequest,
} from '../../gen/proxymesh/v1/peer.js';
import { InvalidArgumentError, KeyNotFoundError } from '../errors.js';
import type { Payload } from '../connectors/protocol.js';
import { objectParts, type ObjectPart } from './chunks.js';
import { ObjectReceiver, receiveObject } from './object-receiver.js';
import { formatKey } from './key.js';
import { getBatch, putBatch } from './peer-batch.js';
import { newCapability, type PeerState } from './peer-state.js';
import { toServerError } from './status.js';

/** Converts every error a handler throws into its gRPC status (see status.ts). */
export async function* errorStatusMiddleware<Request, Response>(
  call: ServerMiddlewareCall<Request, Response>,
  context: CallContext,
): AsyncGenerator<Response, Response | void, undefined> {
  try {
    return yield* call.next(call.request, context);
  } catch (error) {
    throw toServerError(error);
  }
}

async function* partsOf(requests: AsyncIterable<PutRequest | SetRequest>): AsyncGenerator<ObjectPart | undefined> {
  for await (const request of requests) {
    const part = request.part;
    if (part?.$case === 'header' && 'key' in part.value) {
      throw new InvalidArgumentError('A second header arrived in one Set stream.');
    }
    yield part as ObjectPart | undefined;
  }
}

function* streamed(payload: Payload, chunkBytes: number): Generator<GetResponse & AwaitResponse> {
  for (const part of objectParts(payload, chunkBytes)) yield { part };
}

/** The PeerService implementation for one peer. */
export function peerService(state: PeerState): PeerServiceImplementation {
  const { table, limits } = state;
  const name = (id: string): string => formatKey(state.keyFor(id));

  return {
    async put(requests) {
      const payload = await receiveObject(partsOf(requests), {
        maxBytes: limits.maxObjectBytes,
        what: `An object put on peer ${state.address}`,
        accept: (size) => table.checkRoom(size),
      });
      return { key: state.keyFor(table.put(payload)) };
    },

    async *get(request) {
      const id = state.idOf(request.key);
      const payload = table.get(id);
      if (payload === undefined) {
        throw new KeyNotFoundError(
          table.isPending(id)
            ? `Key ${name(id)} has no value yet: it is a deferred key that nobody has set. Use Await to wait for it.`
            : `Key ${name(id)} does not exist on peer ${state.address}: it was never stored or has been evicted.`,
        );
      }
      yield* streamed(payload, limits.chunkBytes);
    },

    async exists(request) {
      return { exists: table.exists(state.idOf(request.key)) };
    },

    async evict(request) {
      return { evicted: table.evict(state.idOf(request.key)) };
    },

    async newKey() {
      const capability = newCapability();
      return { key: state.keyFor(table.newKey(capability)), capability };
    },

    async set(requests) {
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      const header = first.done ? undefined : first.value.part;
      const body = header?.$case === 'header' ? header.value.payload : undefined;
      if (header?.$case !== 'header' || body === undefined) {
        throw new InvalidArgumentError(`A Set stream to peer ${state.address} must start with a header naming the key, codec and size.`);
      }
      const id = state.idOf(header.value.key);
      const { capability } = header.value;
      // Refuse before receiving the payload, so a doomed set of gigabytes costs nothing.
      table.checkSet(id, capability);
      const options = { maxBytes: limits.maxObjectBytes, what: `The value set for key ${name(id)}`, accept: (size: number) => table.checkRoom(size) };
      const receiver = new ObjectReceiver(options);
      receiver.push(body.$case === 'whole' ? { $case: 'whole', value: body.value } : { $case: 'header', value: body.value });
      for await (const part of partsOf({ [Symbol.asyncIterator]: () => iterator })) receiver.push(part);
      table.set(id, receiver.finish(), capability);
      return {};
    },

    async *await(request, context) {
      const id = state.idOf(request.key);
      const payload = await table.wait(id, context.signal);
      yield* streamed(payload, limits.chunkBytes);
    },

    getBatch: (request) => getBatch(state, request),
    putBatch: (requests) => putBatch(state, requests),

    async stats() {
      const s = table.stats();
      return {
        peer: state.address,
        incarnation: state.incarnation,
        objects: BigInt(s.objects),
        bytes: BigInt(s.bytes),
        pendingKeys: BigInt(s.pendingKeys),
        waiters: BigInt(s.waiters),
      };
    },
  };
}

/**
 * The PeerService handlers: the contract's RPCs over a peer's object table, served on a bare
 * grpc-js server. Handlers throw the named errors; the adapters of grpc-handlers.ts check the
 * token and turn errors into gRPC statuses in one place.
 * @module
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type {
  AwaitRequest,
  AwaitResponse,
  EvictRequest,
  EvictResponse,
  ExistsRequest,
  ExistsResponse,
  GetBatchRequest,
  GetBatchResponse,
  GetRequest,
  GetResponse,
  NewKeyResponse,
  PutBatchRequest,
  PutBatchResponse,
  PutRequest,
  PutResponse,
  SetRequest,
  SetResponse,
  StatsResponse,
} from '../../gen/proxymesh/v1/peer.js';
import { InvalidArgumentError, KeyNotFoundError } from '../errors.js';
import type { Payload } from '../connectors/protocol.js';
import { objectParts, type ObjectPart } from './chunks.js';
import { ObjectReceiver, receiveObject } from './object-receiver.js';
import { formatKey } from './key.js';
import { getBatch, putBatch } from './peer-batch.js';
import { newCapability, type PeerState } from './peer-state.js';
import { cancelSignal, clientStreamingCall, serverStreamingCall, unaryCall, type Guard } from './grpc-handlers.js';

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

/** The PeerService implementation for one peer, each call first passing `guard` (the token check). */
export function peerService(state: PeerState, guard: Guard): UntypedServiceImplementation {
  const { table, limits } = state;
  const name = (id: string): string => formatKey(state.keyFor(id));

  return {
    put: clientStreamingCall<PutRequest, PutResponse>(guard, 'Put', async (requests) => {
      const payload = await receiveObject(partsOf(requests), {
        maxBytes: limits.maxObjectBytes,
        what: `An object put on peer ${state.address}`,
        accept: (size) => table.checkRoom(size),
      });
      return { key: state.keyFor(table.put(payload)) };
    }),

    get: serverStreamingCall<GetRequest, GetResponse>(guard, 'Get', (request) => {
      const id = state.idOf(request.key);
      const payload = table.get(id);
      if (payload === undefined) {
        throw new KeyNotFoundError(
          table.isPending(id)
            ? `Key ${name(id)} has no value yet: it is a deferred key that nobody has set. Use Await to wait for it.`
            : `Key ${name(id)} does not exist on peer ${state.address}: it was never stored or has been evicted.`,
        );
      }
      return streamed(payload, limits.chunkBytes);
    }),

    exists: unaryCall<ExistsRequest, ExistsResponse>(guard, 'Exists', (request) => ({ exists: table.exists(state.idOf(request.key)) })),

    evict: unaryCall<EvictRequest, EvictResponse>(guard, 'Evict', (request) => ({ evicted: table.evict(state.idOf(request.key)) })),

    newKey: unaryCall<unknown, NewKeyResponse>(guard, 'NewKey', () => {
      const capability = newCapability();
      return { key: state.keyFor(table.newKey(capability)), capability };
    }),

    set: clientStreamingCall<SetRequest, SetResponse>(guard, 'Set', async (requests) => {
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
    }),

    await: serverStreamingCall<AwaitRequest, AwaitResponse>(guard, 'Await', async (request, call) => {
      const id = state.idOf(request.key);
      const payload = await table.wait(id, cancelSignal(call));
      return streamed(payload, limits.chunkBytes);
    }),

    getBatch: serverStreamingCall<GetBatchRequest, GetBatchResponse>(guard, 'GetBatch', (request) => getBatch(state, request)),

    putBatch: clientStreamingCall<PutBatchRequest, PutBatchResponse>(guard, 'PutBatch', (requests) => putBatch(state, requests)),

    stats: unaryCall<unknown, StatsResponse>(guard, 'Stats', () => {
      const s = table.stats();
      return {
        peer: state.address,
        incarnation: state.incarnation,
        objects: BigInt(s.objects),
        bytes: BigInt(s.bytes),
        pendingKeys: BigInt(s.pendingKeys),
        waiters: BigInt(s.waiters),
      };
    }),
  };
}

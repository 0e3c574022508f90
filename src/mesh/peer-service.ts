/**
 * The PeerService handlers: the contract's RPCs over a peer's object table, served on a bare
 * grpc-js server. Handlers throw the named errors; the adapters of grpc-handlers.ts check the
 * token and turn errors into gRPC statuses in one place.
 * @module
 */
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
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
import { ObjectReceiver } from './object-receiver.js';
import { formatKey } from './key.js';
import { getBatch, putBatch } from './peer-batch.js';
import { newCapability, type PeerState } from './peer-state.js';
import { cancelSignal, clientStreamingCall, grpcDefinition, serverStreamingCall, unaryCall, type Guard } from './grpc-handlers.js';
import { encodeBatchMessage } from './batch-codec.js';
import { tolerantDefinition } from './tolerant-decode.js';
import { AwaitResponseCodec, GetResponseCodec, inPlace, serializeResponseInPlace } from './wire-codec.js';

/** The object part of a Put or Set message after the first; a second Set header is refused. */
function partOf(request: PutRequest | SetRequest): ObjectPart | undefined {
  const part = request.part;
  if (part?.$case === 'header' && 'key' in part.value) {
    throw new InvalidArgumentError('A second header arrived in one Set stream.');
  }
  return part as ObjectPart | undefined;
}

function* streamed(payload: Payload, chunkBytes: number): Generator<GetResponse & AwaitResponse> {
  for (const part of objectParts(payload, chunkBytes)) yield { part };
}

/**
 * The PeerService as the peer's grpc-js server takes it: requests decoded tolerantly
 * (tolerant-decode.ts), payload messages by the zero-copy codecs, and Get, Await and GetBatch
 * answers serialised in place (wire-codec.ts, batch-codec.ts).
 */
export function peerDefinition(): ServiceDefinition {
  const definition = grpcDefinition(tolerantDefinition);
  const { get, await: wait, getBatch } = definition;
  if (get === undefined || wait === undefined || getBatch === undefined) throw new Error('The PeerService definition lacks Get, Await or GetBatch; run `npm run generate`.');
  return {
    ...definition,
    get: { ...get, responseSerialize: serializeResponseInPlace(GetResponseCodec) },
    await: { ...wait, responseSerialize: serializeResponseInPlace(AwaitResponseCodec) },
    // Handlers yield whole messages, so nothing is left for the generated `fromPartial` to fill in.
    getBatch: { ...getBatch, responseSerialize: (message: GetBatchResponse) => encodeBatchMessage(message, inPlace) },
  };
}

/** The PeerService implementation for one peer, each call first passing `guard` (the token check). */
export function peerService(state: PeerState, guard: Guard): UntypedServiceImplementation {
  const { table, limits } = state;
  const name = (id: string): string => formatKey(state.keyFor(id));

  return {
    put: clientStreamingCall<PutRequest, PutResponse>(guard, 'Put', () => {
      const receiver = new ObjectReceiver({
        maxBytes: limits.maxObjectBytes,
        what: `An object put on peer ${state.address}`,
        accept: (size) => table.checkRoom(size),
        remember: true,
      });
      return {
        push: (request) => receiver.push(partOf(request)),
        finish: () => ({ key: state.keyFor(table.put(receiver.finish())) }),
      };
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

    set: clientStreamingCall<SetRequest, SetResponse>(guard, 'Set', () => {
      let target: { id: string; capability: string; receiver: ObjectReceiver } | undefined;
      const mustStart = (): InvalidArgumentError =>
        new InvalidArgumentError(`A Set stream to peer ${state.address} must start with a header naming the key, codec and size.`);
      return {
        push(request) {
          if (target !== undefined) {
            target.receiver.push(partOf(request));
            return;
          }
          const header = request.part;
          const body = header?.$case === 'header' ? header.value.payload : undefined;
          if (header?.$case !== 'header' || body === undefined) throw mustStart();
          const id = state.idOf(header.value.key);
          const { capability } = header.value;
          // Refuse before receiving the payload, so a doomed set of gigabytes costs nothing.
          table.checkSet(id, capability);
          const receiver = new ObjectReceiver({ maxBytes: limits.maxObjectBytes, what: `The value set for key ${name(id)}`, accept: (size: number) => table.checkRoom(size), remember: true });
          receiver.push(body.$case === 'whole' ? { $case: 'whole', value: body.value } : { $case: 'header', value: body.value });
          target = { id, capability, receiver };
        },
        finish() {
          if (target === undefined) throw mustStart();
          table.set(target.id, target.receiver.finish(), target.capability);
          return {};
        },
      };
    }),

    await: serverStreamingCall<AwaitRequest, AwaitResponse>(guard, 'Await', async (request, call) => {
      const id = state.idOf(request.key);
      const payload = await table.wait(id, cancelSignal(call));
      return streamed(payload, limits.chunkBytes);
    }),

    getBatch: serverStreamingCall<GetBatchRequest, GetBatchResponse>(guard, 'GetBatch', (request) => getBatch(state, request)),

    putBatch: clientStreamingCall<PutBatchRequest, PutBatchResponse>(guard, 'PutBatch', () => putBatch(state)),

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

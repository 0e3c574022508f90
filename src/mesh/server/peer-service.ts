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
  LocateResponse,
  SharedFile,
  NewKeyResponse,
  PutBatchRequest,
  PutBatchResponse,
  PutRequest,
  PutResponse,
  ExpireRequest,
  ExpireResponse,
  ReplaceRequest,
  ReplaceResponse,
  SetRequest,
  SetResponse,
  StatsResponse,
} from '../../../gen/proxymesh/v1/peer.js';
import { InvalidArgumentError, KeyNotFoundError, LimitExceededError } from '../../errors.js';
import { FilePayload, payloadBytes, storeOrRelease } from '../../core/file-payload.js';
import { newFileName } from '../wire/shared-directory.js';
import { newObjectId } from '../../core/object-id.js';
import { withVerifiedCrc } from '../wire/verified-crc.js';
import type { Payload } from '../../core/protocol.js';
import { objectParts, type ObjectPart } from '../wire/chunks.js';
import { ObjectReceiver } from '../wire/object-receiver.js';
import { formatKey } from '../key.js';
import { getBatch, putBatch } from './peer-batch.js';
import { issueKey, newCapability, type PeerState } from './peer-state.js';
import { cancelSignal, clientStreamingCall, grpcDefinition, serverStreamingCall, unaryCall, type Guard } from './grpc-handlers.js';
import { encodeBatchMessage } from '../wire/batch-codec.js';
import { tolerantDefinition } from './tolerant-decode.js';
import { AwaitResponseCodec, GetResponseCodec, inPlace, serializeResponseInPlace } from '../wire/wire-codec.js';

/** The object part of a Put or Set message after the first; a second Set header is refused. */
function partOf(request: PutRequest | SetRequest | ReplaceRequest): ObjectPart | undefined {
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
 * The answer to a Get or Await: a file-held object is named to a client that reads the peer's
 * directory (`acceptFile`), and read from its file for any other; the rest streams as it is.
 */
async function answer(payload: Payload, acceptFile: boolean, chunkBytes: number): Promise<Iterable<GetResponse & AwaitResponse>> {
  if (!(payload instanceof FilePayload)) return streamed(payload, chunkBytes);
  if (acceptFile) return [{ part: { $case: 'file', value: { name: payload.name, codec: payload.codec, size: BigInt(payload.size), crc32c: payload.crc32c } } }];
  const loaded = await payload.load();
  return streamed(withVerifiedCrc(loaded, payload.crc32c), chunkBytes);
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
  /** Takes over the file a Set hands its value over in (checked for room like any value). */
  const adoptFile = (to: string, file: SharedFile, what: string): FilePayload => {
    const directory = state.files?.directory;
    if (directory === undefined) throw new InvalidArgumentError(`${what} was handed over as a file, but peer ${state.address} offers no shared-memory directory (Locate returns none). Send the bytes instead.`);
    const size = Number(file.size);
    if (size > limits.maxObjectBytes) throw new LimitExceededError(`${what} is ${size} bytes, over the limit of ${limits.maxObjectBytes} bytes (maximum object size). Split the object or raise the limit.`);
    table.checkRoom(size);
    return directory.adopt({ name: file.name, codec: file.codec, size, crc32c: file.crc32c }, to, what);
  };

  /**
   * A Set or a Replace: a header naming the key (checked before any byte arrives, so a doomed
   * value of gigabytes costs nothing), then the value's pieces, or a file named in the header,
   * taken over once the stream has ended well (a refused stream leaves it to its writer).
   */
  const valueStream = (rpc: 'Set' | 'Replace'): { push(request: SetRequest | ReplaceRequest): void; finish(): Record<string, never> } => {
    const check = (id: string, capability: string): void => (rpc === 'Set' ? table.checkSet(id, capability) : table.checkOwner(id, capability, 'replace'));
    const store = (id: string, payload: Payload, capability: string): void => (rpc === 'Set' ? table.set(id, payload, capability) : table.replaceOwned(id, payload, capability));
    // A replaced value gives its bytes back: only the difference needs room.
    const room = (id: string, size: number): void => {
      const old = rpc === 'Set' ? undefined : table.get(id);
      table.checkRoom(old === undefined ? size : Math.max(0, size - payloadBytes(old)));
    };
    let target: { id: string; capability: string; receiver?: ObjectReceiver; file?: SharedFile } | undefined;
    const mustStart = (): InvalidArgumentError =>
      new InvalidArgumentError(`A ${rpc} stream to peer ${state.address} must start with a header naming the key, codec and size.`);
    return {
      push(request) {
        if (target !== undefined) {
          if (target.receiver === undefined) throw new InvalidArgumentError(`Nothing may follow a ${rpc} header that hands the value over as a file (key ${name(target.id)}).`);
          target.receiver.push(partOf(request));
          return;
        }
        const header = request.part;
        const body = header?.$case === 'header' ? header.value.payload : undefined;
        if (header?.$case !== 'header' || body === undefined) throw mustStart();
        const id = state.idOf(header.value.key);
        const { capability } = header.value;
        check(id, capability);
        if (body.$case === 'file') {
          target = { id, capability, file: body.value };
          return;
        }
        const receiver = new ObjectReceiver({ maxBytes: limits.maxObjectBytes, what: `The value ${rpc === 'Set' ? 'set' : 'replacing the value'} for key ${name(id)}`, accept: (size: number) => room(id, size), remember: true });
        receiver.push(body.$case === 'whole' ? { $case: 'whole', value: body.value } : { $case: 'header', value: body.value });
        target = { id, capability, receiver };
      },
      finish() {
        if (target === undefined) throw mustStart();
        const { id, capability, receiver, file } = target;
        if (receiver !== undefined) store(id, receiver.finish(), capability);
        // A replaced value's file is still named by the key until it goes: the new one takes another name.
        else if (file !== undefined) storeOrRelease(adoptFile(rpc === 'Set' ? id : newFileName(), file, `The value ${rpc === 'Set' ? 'set' : 'replacing the value'} for key ${name(id)}`), (kept) => store(id, kept, capability));
        return {};
      },
    };
  };

  return {
    put: clientStreamingCall<PutRequest, PutResponse>(guard, 'Put', () => {
      const what = `An object put on peer ${state.address}`;
      const receiver = new ObjectReceiver({ maxBytes: limits.maxObjectBytes, what, accept: (size) => table.checkRoom(size), remember: true });
      // An object handed over as a file (the Put's only message), taken over once the stream has
      // ended well: a refused stream leaves the file to its writer.
      let file: SharedFile | undefined;
      let messages = 0;
      return {
        push: (request) => {
          messages += 1;
          if (request.part?.$case === 'file') {
            if (messages > 1) throw new InvalidArgumentError(`${what}: a file handoff must be the only message of its Put.`);
            file = request.part.value;
          } else if (file !== undefined) {
            throw new InvalidArgumentError(`${what}: nothing may follow a file handoff in its Put.`);
          } else {
            receiver.push(partOf(request));
          }
        },
        finish: () => {
          // The putter alone learns the capability that Replace and Expire of the object require.
          const capability = newCapability();
          if (file === undefined) return { key: state.keyFor(table.put(receiver.finish(), capability)), capability };
          // Named by its id, so that a process of this host reads it without asking (host-objects.ts).
          const id = newObjectId();
          return { key: state.keyFor(storeOrRelease(adoptFile(id, file, what), (kept) => table.put(kept, capability, id))), capability };
        },
      };
    }),

    get: serverStreamingCall<GetRequest, GetResponse>(guard, 'Get', async (request) => {
      const id = state.idOf(request.key);
      const payload = table.get(id);
      if (payload === undefined) {
        throw new KeyNotFoundError(
          table.isPending(id)
            ? `Key ${name(id)} has no value yet: it is a deferred key that nobody has set. Use Await to wait for it.`
            : `Key ${name(id)} does not exist on peer ${state.address}: it was never stored or has been evicted.`,
        );
      }
      return answer(payload, request.acceptFile, limits.chunkBytes);
    }),

    exists: unaryCall<ExistsRequest, ExistsResponse>(guard, 'Exists', (request) => ({ exists: table.exists(state.idOf(request.key)) })),

    evict: unaryCall<EvictRequest, EvictResponse>(guard, 'Evict', (request) => ({ evicted: table.evict(state.idOf(request.key)) })),

    newKey: unaryCall<unknown, NewKeyResponse>(guard, 'NewKey', () => {
      const { id, capability } = issueKey(table);
      return { key: state.keyFor(id), capability };
    }),

    set: clientStreamingCall<SetRequest, SetResponse>(guard, 'Set', () => valueStream('Set')),

    replace: clientStreamingCall<ReplaceRequest, ReplaceResponse>(guard, 'Replace', () => valueStream('Replace')),

    expire: unaryCall<ExpireRequest, ExpireResponse>(guard, 'Expire', (request) => {
      table.expire(state.idOf(request.key), Number(request.ttlMs), request.capability);
      return {};
    }),

    await: serverStreamingCall<AwaitRequest, AwaitResponse>(guard, 'Await', async (request, call) => {
      const id = state.idOf(request.key);
      const payload = await table.wait(id, cancelSignal(call));
      return answer(payload, request.acceptFile, limits.chunkBytes);
    }),

    locate: unaryCall<unknown, LocateResponse>(guard, 'Locate', () => {
      const directory = state.files?.directory;
      return { directory: directory?.path ?? '', token: directory?.token ?? '', incarnation: state.incarnation };
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

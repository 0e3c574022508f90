/**
 * The GetBatch and PutBatch handlers: many objects per call, so a batch of small objects costs a
 * few messages instead of one call each (BENCHMARKS.md, Tuning: "Batch RPCs"). The checks are those of Get
 * and Put, applied to every object; a PutBatch stores all its objects or none.
 * @module
 */
import type { GetBatchRequest, GetBatchResponse, PutBatchRequest, PutBatchResponse } from '../../../gen/proxymesh/v1/peer.js';
import type { Payload } from '../../core/protocol.js';
import { InvalidArgumentError, LimitExceededError, ProxyMeshError } from '../../errors.js';
import { BatchAssembler, MAX_BATCH_OBJECTS, batchMessages } from '../wire/batch-parts.js';
import type { PeerState } from './peer-state.js';
import type { RequestSink } from './grpc-handlers.js';

type ErrorClass = new (message: string, options?: ErrorOptions) => ProxyMeshError;

/** The table id of key `index` of a GetBatch: `idOf`'s error, same class, saying which key. */
function idAt(state: PeerState, key: unknown, index: number): string {
  try {
    return state.idOf(key);
  } catch (error) {
    if (!(error instanceof ProxyMeshError)) throw error;
    // Same class, so the same status as Get; the position tells a client which key was bad.
    const cls = error.constructor as ErrorClass;
    throw new cls(`Key ${index} of the GetBatch: ${error.message}`, { cause: error });
  }
}

/**
 * Answers a GetBatch: every key is checked before anything is sent, then the values (read at
 * once, so the answer is one moment's view of the table) stream back packed in key order.
 * @throws InvalidArgumentError for more than 10,000 keys or a malformed key.
 * @throws KeyLostError for a key of an earlier incarnation (as Get, also for a key made by another peer).
 */
export function* getBatch(state: PeerState, request: GetBatchRequest): Generator<GetBatchResponse> {
  const { keys } = request;
  if (keys.length > MAX_BATCH_OBJECTS) {
    throw new InvalidArgumentError(`A GetBatch to peer ${state.address} asked for ${keys.length} keys; a batch holds at most ${MAX_BATCH_OBJECTS}. Split it into several batches.`);
  }
  const ids = keys.map((key, index) => idAt(state, key, index));
  const values: (Payload | undefined)[] = ids.map((id) => state.table.get(id));
  for (const parts of batchMessages(values, state.limits.chunkBytes)) yield { parts };
}

/**
 * Receives a PutBatch, message by message: every object with the checks of Put (sizes, codec tag, checksum,
 * the object size limit, and the byte limit for the batch's total), then stores them all at
 * once. A refused batch stores nothing.
 * @throws InvalidArgumentError for a malformed part, a `missing` part, or more than 10,000 objects.
 * @throws DataCorruptedError (INVALID_ARGUMENT) for a size or checksum mismatch.
 * @throws LimitExceededError (RESOURCE_EXHAUSTED) for an object or a total over a limit.
 */
export function putBatch(state: PeerState): RequestSink<PutBatchRequest, PutBatchResponse> {
  const { table, limits } = state;
  let total = 0;
  const what = (index: number): string => `Object ${index} of a PutBatch to peer ${state.address} (nothing of the batch was stored)`;
  const assembler = new BatchAssembler({
    maxBytes: limits.maxObjectBytes,
    maxObjects: MAX_BATCH_OBJECTS,
    allowMissing: false,
    remember: true,
    what,
    // Refuse from the headers, as Put does: a doomed batch is not received in full.
    accept: (size) => {
      try {
        table.checkRoom(total + size);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new LimitExceededError(`${what(assembler.objects.length)}: the batch's objects so far add up to ${total + size} bytes. ${message}`, { cause: error });
      }
      total += size;
    },
  });
  return {
    push(request) {
      for (const part of request.parts) assembler.add(part);
    },
    finish() {
      // A PutBatch never carries a `missing` part (the assembler refuses one), so every entry is set.
      const payloads = assembler.finish() as Payload[];
      // Small objects arrived whole, as views into their messages: the table decides whether to keep them so.
      return { keys: table.putAll(payloads, true).map((id) => state.keyFor(id)) };
    },
  };
}

/**
 * The client side of GetBatch and PutBatch for one remote peer, on the pooled channel that
 * `PeerClient` uses too: many objects per call, split into calls of at most 10,000.
 * @module
 */
import { Metadata, createClient, type Channel, type Client } from 'nice-grpc';
import { GetBatchRequest, PeerServiceDefinition, PutBatchRequest, PutBatchResponse } from '../../gen/proxymesh/v1/peer.js';
import { callScope } from '../connectors/call-options.js';
import type { CallOptions, Payload } from '../connectors/protocol.js';
import { InvalidArgumentError } from '../errors.js';
import { decodeBatchMessage, encodeBatchMessage } from './batch-codec.js';
import { BatchAssembler, MAX_BATCH_OBJECTS, batchMessages } from './batch-parts.js';
import { formatKey, toMeshKey, type MeshKey } from './key.js';
import type { ClientSettings } from './peer-client.js';
import { fromClientError } from './status.js';

const path = (method: string): string => `/${PeerServiceDefinition.fullName}/${method}`;

/** The two batch RPCs of PeerService, with PutBatch requests written by `encodeBatchMessage`. */
const BatchDefinition = {
  getBatch: {
    path: path('GetBatch'),
    requestStream: false,
    responseStream: true,
    requestSerialize: (message: GetBatchRequest) => GetBatchRequest.encode(message).finish(),
    requestDeserialize: (bytes: Uint8Array) => GetBatchRequest.decode(bytes),
    responseSerialize: encodeBatchMessage,
    responseDeserialize: decodeBatchMessage,
    options: {},
  },
  putBatch: {
    path: path('PutBatch'),
    requestStream: true,
    responseStream: false,
    requestSerialize: encodeBatchMessage,
    requestDeserialize: (bytes: Uint8Array) => PutBatchRequest.decode(bytes),
    responseSerialize: (message: PutBatchResponse) => PutBatchResponse.encode(message).finish(),
    responseDeserialize: (bytes: Uint8Array) => PutBatchResponse.decode(bytes),
    options: {},
  },
} as const;

/** `items` in runs of at most `MAX_BATCH_OBJECTS`: one call each. */
function runs<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_BATCH_OBJECTS) out.push(items.slice(i, i + MAX_BATCH_OBJECTS));
  return out;
}

/** Batch calls to the peer at `address`. */
export class BatchClient {
  readonly #client: Client<typeof BatchDefinition>;

  /**
   * @param address - the peer's "host:port", for error messages.
   * @param channel - the pooled channel to the peer.
   * @param settings - deadlines, sizes and the token of the connector.
   */
  constructor(
    readonly address: string,
    channel: Channel,
    private readonly settings: ClientSettings,
  ) {
    const metadata = settings.token === undefined ? undefined : Metadata({ authorization: `Bearer ${settings.token}` });
    this.#client = createClient(BatchDefinition, channel, metadata ? { '*': { metadata } } : {});
  }

  /**
   * Stores payloads on this peer: one PutBatch per 10,000, concurrently. Each call stores all
   * its objects or none.
   * @returns the new keys, in the order of `payloads`.
   * @throws LimitExceededError, PeerUnavailableError, DeadlineExceededError as the peer answers.
   */
  async putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<MeshKey[]> {
    const calls = runs(payloads).map((run) => this.#call('putBatch', run.length, options, async (signal) => {
      const chunkBytes = this.settings.chunkBytes;
      const requests = (async function* () {
        for (const parts of batchMessages(run, chunkBytes)) yield { parts };
      })();
      const { keys } = await this.#client.putBatch(requests, signal ? { signal } : {});
      if (keys.length !== run.length) {
        throw new InvalidArgumentError(`Peer ${this.address} answered a PutBatch of ${run.length} objects with ${keys.length} keys; it does not follow the contract.`);
      }
      return keys.map((key) => toMeshKey(key));
    }));
    return (await Promise.all(calls)).flat();
  }

  /**
   * Reads keys owned by this peer: one GetBatch per 10,000, concurrently. Small values are
   * views into the response message (about 1 MiB) that carried them, not copies: keeping one
   * keeps its message alive.
   * @returns the values in the order of `keys`; `undefined` where a key holds no value.
   * @throws KeyLostError when a key names an earlier incarnation of the peer.
   * @throws DataCorruptedError when an object arrives damaged.
   */
  async getBatch(keys: readonly MeshKey[], options?: CallOptions): Promise<(Payload | undefined)[]> {
    const calls = runs(keys).map((run) => this.#call('getBatch', run.length, options, async (signal) => {
      const assembler = new BatchAssembler({
        maxBytes: this.settings.maxObjectBytes,
        maxObjects: run.length,
        allowMissing: true,
        what: (index) => `Key ${run[index] ? formatKey(run[index]) : `#${index}`} from peer ${this.address}`,
      });
      for await (const response of this.#client.getBatch({ keys: [...run] }, signal ? { signal } : {})) {
        for (const part of response.parts) assembler.add(part);
      }
      const values = assembler.finish();
      if (values.length !== run.length) {
        throw new InvalidArgumentError(`Peer ${this.address} answered a GetBatch of ${run.length} keys with ${values.length} objects; it does not follow the contract.`);
      }
      return values;
    }));
    return (await Promise.all(calls)).flat();
  }

  /** Runs one call under the transfer deadline, translating its failure. */
  async #call<T>(operation: string, count: number, options: CallOptions | undefined, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const what = `The ${operation} of ${count} objects on peer ${this.address}`;
    const scope = callScope({ signal: options?.signal, timeoutMs: options?.timeoutMs ?? this.settings.transferTimeoutMs }, what);
    try {
      return await run(scope.signal);
    } catch (error) {
      throw fromClientError(error, { peer: this.address, operation: `${operation} of ${count} objects` }, scope.signal);
    } finally {
      scope.dispose();
    }
  }
}

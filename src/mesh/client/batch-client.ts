/**
 * The client side of GetBatch and PutBatch for one remote peer, on the pooled channel that
 * `PeerClient` uses too: many objects per call, split into calls of at most 10,000.
 * @module
 */
import type { ChannelInterface } from '@grpc/grpc-js';
import { Client, type ChannelCredentials, type Metadata } from '../wire/grpc-runtime.js';
import { PeerServiceDefinition, PutBatchResponse, type GetBatchRequest, type GetBatchResponse, type PutBatchRequest } from '../../../gen/proxymesh/v1/peer.js';
import type { CallOptions, Payload } from '../../core/protocol.js';
import { InvalidArgumentError } from '../../errors.js';
import { encodeBatchMessage } from '../wire/batch-codec.js';
import { decodeBatchMessage } from '../wire/batch-decode.js';
import { encodeGetBatchRequest } from '../wire/batch-request.js';
import { BatchAssembler, MAX_BATCH_OBJECTS, batchMessages, checksumWholeParts } from '../wire/batch-parts.js';
import { clientStream, serverStream, type CallSettings, type Method } from './grpc-calls.js';
import { formatKey, toMeshKey, type MeshKey } from '../key.js';
import { callPeer, type ClientSettings } from './peer-client.js';
import { callMetadata } from '../security.js';

const path = (method: string): string => `/${PeerServiceDefinition.fullName}/${method}`;

/** GetBatch, with responses decoded as views by `decodeBatchMessage`. */
const GET_BATCH: Method<GetBatchRequest, GetBatchResponse> = {
  path: path('GetBatch'),
  serialize: encodeGetBatchRequest,
  deserialize: decodeBatchMessage,
};

/**
 * PutBatch, with requests written by `encodeBatchMessage`. Each message's checksums are computed
 * here, as grpc-js serialises it, and `clientStream` lets the message before go out first: the
 * peer checks and stores one message while the client checksums the next. Computed while the
 * messages were made, the checksums of the second message came before the first was sent
 * (A/B, 1,000 × 4 KiB: p50 11.3–11.4 → 10.5–10.6 ms, BENCHMARKS.md, Tuning: "PutBatch: one message goes out before the next is checksummed").
 */
const PUT_BATCH: Method<PutBatchRequest, PutBatchResponse> = {
  path: path('PutBatch'),
  serialize: (request) => encodeBatchMessage({ parts: checksumWholeParts(request.parts) }),
  deserialize: (bytes) => PutBatchResponse.decode(bytes),
};

/** `items` in runs of at most `MAX_BATCH_OBJECTS`: one call each. */
function runs<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_BATCH_OBJECTS) out.push(items.slice(i, i + MAX_BATCH_OBJECTS));
  return out;
}

/** Batch calls to the peer at `address`, through the same grpc-js call path as `PeerClient`. */
export class BatchClient {
  readonly #client: Client;
  readonly #metadata: Metadata;

  /**
   * @param address - the peer's "host:port", for error messages.
   * @param channel - the pooled transfer channel to the peer.
   * @param credentials - the pool's channel credentials.
   * @param settings - deadlines, sizes and the token of the connector.
   */
  constructor(
    readonly address: string,
    channel: ChannelInterface,
    credentials: ChannelCredentials,
    private readonly settings: ClientSettings,
  ) {
    this.#client = new Client(address, credentials, { channelOverride: channel });
    this.#metadata = callMetadata(settings.token);
  }

  /**
   * Stores payloads on this peer: one PutBatch per 10,000, concurrently. Each call stores all
   * its objects or none.
   * @returns the new keys, in the order of `payloads`.
   * @throws LimitExceededError, PeerUnavailableError, DeadlineExceededError as the peer answers.
   */
  async putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<MeshKey[]> {
    const calls = runs(payloads).map((run) => this.#call('putBatch', run.length, options, async (settings) => {
      const chunkBytes = this.settings.chunkBytes;
      const requests = (function* () {
        for (const parts of batchMessages(run, chunkBytes, false)) yield { parts };
      })();
      const { keys } = await clientStream(this.#client, PUT_BATCH, requests, settings);
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
    const calls = runs(keys).map((run) => this.#call('getBatch', run.length, options, async (settings) => {
      const assembler = new BatchAssembler({
        maxBytes: this.settings.maxObjectBytes,
        maxObjects: run.length,
        allowMissing: true,
        what: (index) => `Key ${run[index] ? formatKey(run[index]) : `#${index}`} from peer ${this.address}`,
      });
      await serverStream(this.#client, GET_BATCH, { keys: [...run] }, settings, (response) => {
        for (const part of response.parts) assembler.add(part);
        // The batch is whole only at the end of the stream (a last object may come without a trailer).
        return false;
      });
      const values = assembler.finish();
      if (values.length !== run.length) {
        throw new InvalidArgumentError(`Peer ${this.address} answered a GetBatch of ${run.length} keys with ${values.length} objects; it does not follow the contract.`);
      }
      return values;
    }));
    return (await Promise.all(calls)).flat();
  }

  /** Runs one call under the transfer deadline, translating its failure. */
  #call<T>(operation: string, count: number, options: CallOptions | undefined, run: (settings: CallSettings) => Promise<T>): Promise<T> {
    return callPeer({ peer: this.address, operation: `${operation} of ${count} objects` }, this.#metadata, options, this.settings.transferTimeoutMs, run);
  }
}

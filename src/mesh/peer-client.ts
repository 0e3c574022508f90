/**
 * A client of one remote peer: the contract's RPCs as typed async methods over a pooled
 * channel, with a deadline and an `AbortSignal` on every call and failures turned into the
 * named errors by status.ts.
 * @module
 */
import { createClient, type Channel } from 'nice-grpc';
import { type PeerServiceClient, type StatsResponse } from '../../gen/proxymesh/v1/peer.js';
import { callScope } from '../connectors/call-options.js';
import type { CallOptions, Payload } from '../connectors/protocol.js';
import { KeyNotFoundError } from '../errors.js';
import { dataParts, headerOf, objectParts, travelsWhole, wholeOf, type ObjectPart } from './chunks.js';
import { receiveObject } from './object-receiver.js';
import { formatKey, toMeshKey, type MeshKey } from './key.js';
import { tokenMetadata, type TlsOptions } from './security.js';
import { fromClientError } from './status.js';
import { zeroCopyDefinition } from './wire-codec.js';

/** Tuning of a client. */
export interface ClientSettings {
  /** Deadline of calls that move no object, when the caller gives none. */
  readonly timeoutMs: number;
  /** Deadline of put/get/set transfers, when the caller gives none. */
  readonly transferTimeoutMs: number;
  /** Size of the data pieces sent. */
  readonly chunkBytes: number;
  /** Largest object accepted from a peer. */
  readonly maxObjectBytes: number;
  /** The token sent with every call, when peers require one. */
  readonly token?: string | undefined;
  /** TLS for every channel, when peers use it. */
  readonly tls?: TlsOptions | undefined;
}

async function* parts(responses: AsyncIterable<{ part?: ObjectPart | undefined }>): AsyncGenerator<ObjectPart | undefined> {
  for await (const response of responses) yield response.part;
}

// exactOptionalPropertyTypes: pass `signal` only when there is one.
const opts = (signal: AbortSignal | undefined): { signal?: AbortSignal } => (signal ? { signal } : {});

/** Typed calls to the peer at `address`. */
export class PeerClient {
  readonly #client: PeerServiceClient;

  constructor(
    readonly address: string,
    channel: Channel,
    private readonly settings: ClientSettings,
  ) {
    const token = settings.token;
    this.#client = createClient(zeroCopyDefinition, channel, token === undefined ? {} : { '*': { metadata: tokenMetadata(token) } });
  }

  /** Runs one call with the right deadline, translating its failure. */
  async #call<T>(operation: string, key: MeshKey | undefined, options: CallOptions | undefined, defaultMs: number | undefined, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const keyText = key ? formatKey(key) : undefined;
    const what = keyText ? `The ${operation} of key ${keyText} on peer ${this.address}` : `The ${operation} on peer ${this.address}`;
    const timeoutMs = options?.timeoutMs ?? defaultMs;
    const scope = callScope({ signal: options?.signal, timeoutMs }, what);
    try {
      return await run(scope.signal);
    } catch (error) {
      throw fromClientError(error, { peer: this.address, key: keyText, operation }, scope.signal);
    } finally {
      scope.dispose();
    }
  }

  /** Stores a payload on this peer; returns its key. */
  put(payload: Payload, options?: CallOptions): Promise<MeshKey> {
    return this.#call('put', undefined, options, this.settings.transferTimeoutMs, async (signal) => {
      const requests = (async function* (chunkBytes: number) {
        for (const part of objectParts(payload, chunkBytes)) yield { part };
      })(this.settings.chunkBytes);
      const response = await this.#client.put(requests, opts(signal));
      return toMeshKey(response.key);
    });
  }

  /** Reads a payload; `undefined` when the peer says NOT_FOUND. */
  async get(key: MeshKey, options?: CallOptions): Promise<Payload | undefined> {
    try {
      return await this.#call('get', key, options, this.settings.transferTimeoutMs, (signal) =>
        receiveObject(parts(this.#client.get({ key }, opts(signal))), { maxBytes: this.settings.maxObjectBytes, what: `Key ${formatKey(key)} from peer ${this.address}` }),
      );
    } catch (error) {
      if (error instanceof KeyNotFoundError) return undefined;
      throw error;
    }
  }

  /** Whether the key holds a value. */
  exists(key: MeshKey, options?: CallOptions): Promise<boolean> {
    return this.#call('exists check', key, options, this.settings.timeoutMs, async (signal) => (await this.#client.exists({ key }, opts(signal))).exists);
  }

  /** Removes the key; returns whether anything was there. */
  evict(key: MeshKey, options?: CallOptions): Promise<boolean> {
    return this.#call('evict', key, options, this.settings.timeoutMs, async (signal) => (await this.#client.evict({ key }, opts(signal))).evicted);
  }

  /** Registers a deferred key on this peer. */
  newKey(options?: CallOptions): Promise<{ key: MeshKey; capability: string }> {
    return this.#call('newKey', undefined, options, this.settings.timeoutMs, async (signal) => {
      const response = await this.#client.newKey({}, opts(signal));
      return { key: toMeshKey(response.key), capability: response.capability };
    });
  }

  /** Fulfils a deferred key owned by this peer. */
  set(key: MeshKey, payload: Payload, options?: CallOptions & { capability?: string }): Promise<void> {
    return this.#call('set', key, options, this.settings.transferTimeoutMs, async (signal) => {
      const chunkBytes = this.settings.chunkBytes;
      const capability = options?.capability ?? '';
      const requests = (async function* () {
        if (travelsWhole(payload, chunkBytes)) {
          yield { part: { $case: 'header' as const, value: { key, payload: { $case: 'whole' as const, value: wholeOf(payload) }, capability } } };
          return;
        }
        yield { part: { $case: 'header' as const, value: { key, payload: { $case: 'object' as const, value: headerOf(payload) }, capability } } };
        for (const part of dataParts(payload, chunkBytes)) yield { part };
      })();
      await this.#client.set(requests, opts(signal));
    });
  }

  /** Waits (pushed, no polling) for a key's value; no deadline unless the caller gives one. */
  await(key: MeshKey, options?: CallOptions): Promise<Payload> {
    return this.#call('await', key, options, undefined, (signal) =>
      receiveObject(parts(this.#client.await({ key }, opts(signal))), { maxBytes: this.settings.maxObjectBytes, what: `Key ${formatKey(key)} from peer ${this.address}` }),
    );
  }

  /** The peer's counters. */
  stats(options?: CallOptions): Promise<StatsResponse> {
    return this.#call('stats', undefined, options, this.settings.timeoutMs, (signal) => this.#client.stats({}, opts(signal)));
  }
}

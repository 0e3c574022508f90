/**
 * A client of one remote peer: the contract's RPCs as typed async methods over a pooled
 * channel, with a deadline and an `AbortSignal` on every call and failures turned into the
 * named errors by status.ts. Calls go straight to grpc-js (grpc-calls.ts) through the zero-copy
 * codecs (wire-codec.ts): this is the hot path of every remote get, put, set and wake-up.
 * @module
 */
import type { ChannelInterface } from '@grpc/grpc-js';
import { Client, type ChannelCredentials, type Metadata } from '../wire/grpc-runtime.js';
import type { AwaitResponse, GetResponse, PutResponse, StatsResponse } from '../../../gen/proxymesh/v1/peer.js';
import { callScope } from '../../core/call-options.js';
import type { CallOptions, Payload } from '../../core/protocol.js';
import { KeyNotFoundError } from '../../errors.js';
import { dataParts, headerOf, objectParts, travelsWhole, wholeOf } from '../wire/chunks.js';
import { clientStream, serverStream, unary, type CallSettings, type Method } from './grpc-calls.js';
import { formatKey, toMeshKey, type MeshKey } from '../key.js';
import { ObjectReceiver } from '../wire/object-receiver.js';
import { callMetadata, type TlsOptions } from '../security.js';
import { describeCall, type CallSite } from '../call-site.js';
import { fromClientError } from '../status.js';
import { zeroCopyDefinition } from '../wire/wire-codec.js';
import { asBuffer } from '../wire/buffer-view.js';
import { LOCATE_DEADLINE_MS, Locality } from './locality.js';
import { handOver, writeSharedFile, type WrittenFile } from '../wire/shared-files.js';

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
  /**
   * Whether objects of more than one piece go through a peer's shared-memory directory when this
   * process sees it (a peer on this host: shared-files.ts) instead of streaming. Default true.
   */
  readonly sharedFiles?: boolean | undefined;
}

type Methods = typeof zeroCopyDefinition.methods;
type RequestOf<M extends keyof Methods> = Parameters<Methods[M]['requestType']['encode']>[0];
type ResponseOf<M extends keyof Methods> = ReturnType<Methods[M]['responseType']['decode']>;

/** A method of the definition as grpc-js wants it: its path, and codecs on Buffers. */
function method<M extends keyof Methods>(name: M): Method<RequestOf<M>, ResponseOf<M>> {
  const { requestType, responseType } = zeroCopyDefinition.methods[name];
  return {
    path: `/${zeroCopyDefinition.fullName}/${zeroCopyDefinition.methods[name].name}`,
    serialize: (request) => {
      const bytes = (requestType.encode as (r: RequestOf<M>) => { finish(): Uint8Array })(request).finish();
      // A view, not a copy: grpc-js reads the message through Buffer methods.
      return asBuffer(bytes);
    },
    deserialize: (bytes) => responseType.decode(bytes) as ResponseOf<M>,
  };
}

const METHODS = {
  put: method('put'),
  get: method('get'),
  exists: method('exists'),
  evict: method('evict'),
  newKey: method('newKey'),
  set: method('set'),
  replace: method('replace'),
  expire: method('expire'),
  await: method('await'),
  stats: method('stats'),
  locate: method('locate'),
};

/**
 * Runs one call to a peer with its metadata and deadline (the caller's, else `defaultMs`), and
 * turns a failure into the named errors. The deadline is core/call-options.ts's: the call's
 * signal aborts with the DeadlineExceededError every connector gives (what did not finish, and
 * within how long), and grpc-calls.ts fails the call with that reason, as with the caller's own
 * signal; a gRPC status goes through status.ts.
 */
export async function callPeer<T>(site: CallSite, metadata: Metadata, options: CallOptions | undefined, defaultMs: number | undefined, run: (settings: CallSettings) => Promise<T>): Promise<T> {
  const timeoutMs = options?.timeoutMs ?? defaultMs;
  const scope = callScope({ signal: options?.signal, timeoutMs }, describeCall(site));
  try {
    return await run({ metadata, signal: scope.signal });
  } catch (error) {
    throw fromClientError(error, site);
  } finally {
    scope.dispose();
  }
}

/** The two channels to one peer (see channel-options.ts for why two). */
export interface PeerChannels {
  /** For Await, Exists, Evict, NewKey and Stats: keepalive finds a dead owner within seconds. */
  readonly control: ChannelInterface;
  /** For Get, Put and Set (and the batches): keepalive is patient with ends busy moving data. */
  readonly transfer: ChannelInterface;
}

/** Typed calls to the peer at `address`. */
export class PeerClient {
  readonly #control: Client;
  readonly #transfer: Client;
  readonly #metadata: Metadata;
  /** The peer's shared-memory directory as this process sees it. */
  readonly #locality: Locality;

  constructor(
    readonly address: string,
    channels: PeerChannels,
    credentials: ChannelCredentials,
    private readonly settings: ClientSettings,
  ) {
    // Clients on the pool's channels: closing the pool closes them, never these clients.
    this.#control = new Client(address, credentials, { channelOverride: channels.control });
    this.#transfer = new Client(address, credentials, { channelOverride: channels.transfer });
    this.#metadata = callMetadata(settings.token);
    this.#locality = new Locality(settings.sharedFiles !== false, (client) =>
      this.#call('locate', undefined, undefined, LOCATE_DEADLINE_MS, (callSettings) => unary(client, METHODS.locate, {}, callSettings)),
    );
  }

  /** Runs one call with the right deadline, translating its failure. */
  #call<T>(operation: string, key: MeshKey | undefined, options: CallOptions | undefined, defaultMs: number | undefined, run: (settings: CallSettings) => Promise<T>): Promise<T> {
    return callPeer({ peer: this.address, operation, key: key ? formatKey(key) : undefined }, this.#metadata, options, defaultMs, run);
  }

  /** Writes a payload of more than one piece into the peer's directory, where this process shares it. */
  async #written(incarnation: string | undefined, payload: Payload): Promise<WrittenFile | undefined> {
    if (travelsWhole(payload, this.settings.chunkBytes)) return undefined;
    const directory = await this.#locality.soon(incarnation, this.#transfer);
    // A file that cannot be written (a full memory file system) leaves the bytes to the stream.
    return directory === undefined ? undefined : writeSharedFile(directory, payload).catch(() => undefined);
  }

  /**
   * Opens the channel that waits (`wait`) or sets (`set`) use and locates the peer's incarnation
   * `incarnation`, ahead of the first such call: what a fresh process would otherwise pay at its
   * first use of a proxy or its first `setResult`.
   */
  async warm(incarnation: string, use: 'wait' | 'set' = 'wait'): Promise<void> {
    await this.#locality.directory(incarnation, use === 'wait' ? this.#control : this.#transfer);
  }

  /** A receiver of one object from this peer: a large object's checksum is computed off this thread (crc-offload.ts). */
  #receiver(key: MeshKey, sharedDirectory: string | undefined): ObjectReceiver {
    return new ObjectReceiver({ maxBytes: this.settings.maxObjectBytes, what: `Key ${formatKey(key)} from peer ${this.address}`, offload: true, sharedDirectory });
  }

  /**
   * Receives one object from a server stream of Get or Await answers, asking for it as a file
   * where this process shares the peer's directory.
   */
  async #receive(key: MeshKey, client: Client, call: (acceptFile: boolean, onMessage: (response: GetResponse & AwaitResponse) => boolean, pause: () => Promise<void> | undefined) => Promise<void>): Promise<Payload> {
    const sharedDirectory = await this.#locality.soon(key.incarnation, client);
    const receiver = this.#receiver(key, sharedDirectory);
    try {
      await call(
        sharedDirectory !== undefined,
        (response) => {
          receiver.push(response.part);
          return receiver.complete;
        },
        () => receiver.backpressure,
      );
      return await receiver.finishAsync();
    } finally {
      receiver.dispose();
    }
  }

  /**
   * Stores a payload on this peer; returns its key. A payload of more than one piece, for a peer
   * whose directory this process shares, is written there and handed over by name.
   */
  async put(payload: Payload, options?: CallOptions): Promise<MeshKey> {
    return (await this.putOwned(payload, options)).key;
  }

  /** `put`, with the owner's capability the peer returned: what `replace` and `expire` of the key require. */
  async putOwned(payload: Payload, options?: CallOptions): Promise<{ key: MeshKey; capability: string }> {
    const owned = (response: PutResponse): { key: MeshKey; capability: string } => ({ key: toMeshKey(response.key), capability: response.capability });
    const written = await this.#written(undefined, payload);
    if (written !== undefined) {
      return handOver(written, () =>
        this.#call('put', undefined, options, this.settings.timeoutMs, async (settings) =>
          owned(await clientStream(this.#transfer, METHODS.put, [{ part: { $case: 'file' as const, value: written.file } }], settings)),
        ),
      );
    }
    return this.#call('put', undefined, options, this.settings.transferTimeoutMs, async (settings) => {
      const requests = (function* (chunkBytes: number) {
        for (const part of objectParts(payload, chunkBytes)) yield { part };
      })(this.settings.chunkBytes);
      return owned(await clientStream(this.#transfer, METHODS.put, requests, settings));
    });
  }

  /** Reads a payload; `undefined` when the peer says NOT_FOUND. */
  async get(key: MeshKey, options?: CallOptions): Promise<Payload | undefined> {
    try {
      return await this.#call('get', key, options, this.settings.transferTimeoutMs, (settings) =>
        this.#receive(key, this.#transfer, (acceptFile, onMessage, pause) => serverStream(this.#transfer, METHODS.get, { key, acceptFile }, settings, onMessage, pause)),
      );
    } catch (error) {
      if (error instanceof KeyNotFoundError) return undefined;
      throw error;
    }
  }

  /** Whether the key holds a value. */
  exists(key: MeshKey, options?: CallOptions): Promise<boolean> {
    return this.#call('exists check', key, options, this.settings.timeoutMs, async (settings) => (await unary(this.#control, METHODS.exists, { key }, settings)).exists);
  }

  /** Removes the key; returns whether anything was there. */
  evict(key: MeshKey, options?: CallOptions): Promise<boolean> {
    return this.#call('evict', key, options, this.settings.timeoutMs, async (settings) => (await unary(this.#control, METHODS.evict, { key }, settings)).evicted);
  }

  /** Registers a deferred key on this peer. */
  newKey(options?: CallOptions): Promise<{ key: MeshKey; capability: string }> {
    return this.#call('newKey', undefined, options, this.settings.timeoutMs, async (settings) => {
      const response = await unary(this.#control, METHODS.newKey, {}, settings);
      return { key: toMeshKey(response.key), capability: response.capability };
    });
  }

  /**
   * Fulfils a deferred key owned by this peer. A value of more than one piece, for a peer whose
   * directory this process shares, is written there and handed over by name: written once,
   * never streamed.
   */
  set(key: MeshKey, payload: Payload, options?: CallOptions & { capability?: string }): Promise<void> {
    return this.#sendValue('set', key, payload, options);
  }

  /** Replaces the value of a key this process put (its owner's `capability`), as `set` sends one. */
  replace(key: MeshKey, payload: Payload, options?: CallOptions & { capability?: string }): Promise<void> {
    return this.#sendValue('replace', key, payload, options);
  }

  /** Gives a key this process put (its owner's `capability`) a time to live on the peer; 0 takes it away. */
  async expire(key: MeshKey, ttlMs: number, options?: CallOptions & { capability?: string }): Promise<void> {
    await this.#call('expire', key, options, this.settings.timeoutMs, (settings) => unary(this.#control, METHODS.expire, { key, capability: options?.capability ?? '', ttlMs: BigInt(ttlMs) }, settings));
  }

  async #sendValue(operation: 'set' | 'replace', key: MeshKey, payload: Payload, options?: CallOptions & { capability?: string }): Promise<void> {
    const capability = options?.capability ?? '';
    const rpc = METHODS[operation];
    const written = await this.#written(key.incarnation, payload);
    if (written !== undefined) {
      return handOver(written, () =>
        this.#call(operation, key, options, this.settings.timeoutMs, async (settings) => {
          const header = { key, payload: { $case: 'file' as const, value: written.file }, capability };
          await clientStream(this.#transfer, rpc, [{ part: { $case: 'header' as const, value: header } }], settings);
        }),
      );
    }
    return this.#call(operation, key, options, this.settings.transferTimeoutMs, async (settings) => {
      const chunkBytes = this.settings.chunkBytes;
      const requests = (function* () {
        if (travelsWhole(payload, chunkBytes)) {
          yield { part: { $case: 'header' as const, value: { key, payload: { $case: 'whole' as const, value: wholeOf(payload) }, capability } } };
          return;
        }
        yield { part: { $case: 'header' as const, value: { key, payload: { $case: 'object' as const, value: headerOf(payload) }, capability } } };
        for (const part of dataParts(payload, chunkBytes)) yield { part };
      })();
      await clientStream(this.#transfer, rpc, requests, settings);
    });
  }

  /** Waits (pushed, no polling) for a key's value; no deadline unless the caller gives one. */
  await(key: MeshKey, options?: CallOptions): Promise<Payload> {
    return this.#call('await', key, options, undefined, (settings) =>
      this.#receive(key, this.#control, (acceptFile, onMessage, pause) => serverStream(this.#control, METHODS.await, { key, acceptFile }, settings, onMessage, pause)),
    );
  }

  /** The peer's counters. */
  stats(options?: CallOptions): Promise<StatsResponse> {
    return this.#call('stats', undefined, options, this.settings.timeoutMs, (settings) => unary(this.#control, METHODS.stats, {}, settings));
  }
}

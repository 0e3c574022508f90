/**
 * An embedded peer on its own worker thread, seen from the main thread as a `LocalPeer`:
 * the main thread reaches its objects through a message port (no gRPC), other processes reach
 * them through gRPC, and a blocked main thread stops neither.
 * @module
 */
import type { Worker } from 'node:worker_threads';
import type { Payload } from '../../core/protocol.js';
import type { TableStats } from '../../core/object-table.js';
import { abortReason } from '../../core/call-options.js';
import { PeerUnavailableError } from '../../errors.js';
import { detachedCopies, detachedCopy } from '../../core/transfer.js';
import { fromPostedError } from '../../util/posted-error.js';
import { startWorker } from '../../util/start-worker.js';
import { addLocalPeer, removeLocalPeer, type LocalPeer } from '../server/local-peers.js';
import type { PeerOptions } from '../server/peer.js';
import type { PeerThreadApi, PeerThreadOp, PeerThreadReply, PeerThreadRequest, PeerThreadResult, ThreadFiles, WireFile, WirePayload } from './peer-thread-protocol.js';
import { removeOnExit } from '../wire/shared-directory.js';
import { handOver, writeSharedFile } from '../wire/shared-files.js';

type Pending = { resolve(value: PeerThreadResult<PeerThreadOp>): void; reject(error: Error): void };

/** A peer running in a worker thread of this process. */
export class PeerThread implements LocalPeer {
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #exited: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly address: string,
    readonly incarnation: string,
    /** The peer's shared-memory directory: large payloads are written there, not posted. */
    private readonly files: ThreadFiles | undefined,
  ) {
    worker.on('message', (reply: PeerThreadReply) => this.#deliver(reply));
    worker.on('exit', () => this.#fail(new PeerUnavailableError(`The embedded peer ${address} has stopped; its objects are gone.`)));
    worker.on('error', (error) => this.#fail(new PeerUnavailableError(`The embedded peer ${address} failed: ${error.message}`, { cause: error })));
    // An idle peer thread does not keep the process alive; a pending request does (see #call).
    worker.unref();
  }

  /**
   * Starts the worker and its peer; resolves once the peer listens.
   * @throws the peer's start error (a bad or taken address).
   */
  static async start(options: PeerOptions): Promise<PeerThread> {
    const worker = startWorker(import.meta.url, 'peer-thread-worker', { workerData: { ...options } });
    const started = await new Promise<{ address: string; incarnation: string; files?: ThreadFiles | undefined }>((resolve, reject) => {
      worker.once('message', (reply: PeerThreadReply) => {
        if ('started' in reply) resolve(reply.started);
        else if ('failed' in reply) reject(fromPostedError(reply.failed));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new PeerUnavailableError(`The embedded peer thread exited with code ${code} before it started.`)));
    });
    const thread = new PeerThread(worker, started.address, started.incarnation, started.files);
    if (started.files !== undefined) removeOnExit(started.files.directory);
    addLocalPeer(thread);
    return thread;
  }

  #deliver(reply: PeerThreadReply): void {
    if (!('id' in reply)) return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromPostedError(reply.error));
  }

  #fail(error: Error): void {
    this.#exited ??= error;
    removeLocalPeer(this.incarnation);
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  /**
   * Runs operation `op` of the worker with `args` (typed by PeerThreadApi on both sides); `signal`
   * cancels it there too.
   */
  #call<K extends PeerThreadOp>(op: K, args: Parameters<PeerThreadApi[K]>, transfer: ArrayBuffer[] = [], signal?: AbortSignal): Promise<PeerThreadResult<K>> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#next++;
    return new Promise<PeerThreadResult<K>>((resolve, reject) => {
      const onAbort = (): void => {
        this.worker.postMessage({ id: this.#next++, op: 'cancel', target: id } satisfies PeerThreadRequest);
        this.#pending.delete(id);
        reject(abortReason(signal!));
      };
      if (signal?.aborted) return reject(abortReason(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.#pending.set(id, {
        // The reply to request `id` answers operation `op`: the worker ran the handler of `op`.
        resolve: (v) => (done(), resolve(v as PeerThreadResult<K>)),
        reject: (e) => (done(), reject(e)),
      });
      this.worker.ref();
      this.worker.postMessage({ id, op, args }, transfer);
    });
  }

  /**
   * A payload on its way to the worker: written into the peer's directory when it is large (the
   * worker takes the file over, and same-host readers read it), else a copy to transfer.
   * Returns what to post, and what to clean up if the worker refuses it.
   */
  async #crossing(payload: Payload): Promise<{ payload: WirePayload | WireFile; transfer: ArrayBuffer[]; discard(): Promise<void> }> {
    const files = this.files;
    const written = files !== undefined && payload.data.byteLength >= files.minBytes ? await writeSharedFile(files.directory, payload).catch(() => undefined) : undefined;
    if (written !== undefined) return { payload: { file: { ...written.file, size: Number(written.file.size) } }, transfer: [], discard: () => written.discard() };
    return { ...detachedCopy(payload), discard: async () => {} };
  }

  async put(payload: Payload): Promise<string> {
    const crossing = await this.#crossing(payload);
    return handOver(crossing, () => this.#call('put', [crossing.payload], crossing.transfer));
  }

  async get(id: string): Promise<Payload | undefined> {
    return (await this.#call('get', [id])) ?? undefined;
  }

  async putBatch(payloads: readonly Payload[]): Promise<string[]> {
    const { payloads: copies, transfer } = detachedCopies(payloads);
    // No payload is undefined, so no copy is null.
    return this.#call('putBatch', [copies as WirePayload[]], transfer);
  }

  async getBatch(ids: readonly string[]): Promise<(Payload | undefined)[]> {
    return (await this.#call('getBatch', [ids])).map((v) => v ?? undefined);
  }

  exists(id: string): Promise<boolean> {
    return this.#call('exists', [id]);
  }

  evict(id: string): Promise<boolean> {
    return this.#call('evict', [id]);
  }

  newKey(): Promise<{ id: string; capability: string }> {
    return this.#call('newKey', []);
  }

  async set(id: string, payload: Payload, capability: string): Promise<void> {
    const crossing = await this.#crossing(payload);
    await handOver(crossing, () => this.#call('set', [id, crossing.payload, capability], crossing.transfer));
  }

  async replace(id: string, payload: Payload): Promise<void> {
    const crossing = await this.#crossing(payload);
    await handOver(crossing, () => this.#call('replace', [id, crossing.payload], crossing.transfer));
  }

  async expire(id: string, ms: number): Promise<void> {
    await this.#call('expire', [id, ms]);
  }

  wait(id: string, signal?: AbortSignal): Promise<Payload> {
    return this.#call('wait', [id], [], signal);
  }

  stats(): Promise<TableStats> {
    return this.#call('stats', []);
  }

  /** Stops the peer (pending waits end with UNAVAILABLE) and the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.#exited) return;
    removeLocalPeer(this.incarnation);
    await this.#call('close', []).catch(() => undefined);
    await this.worker.terminate();
  }
}

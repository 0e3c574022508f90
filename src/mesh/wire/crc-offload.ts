/**
 * The checksum of a large object a client receives, computed on a worker thread while the main
 * thread goes on receiving. A client getting a large object is the busy end of the transfer,
 * and the CRC-32C check was the one piece of its work that the bare grpc-js stream does not
 * have: 64 MiB gets reached 0.91× the bare stream with the check on the main thread and 1.11×
 * without it (BENCHMARKS.md, Tuning: "What the large-get gap is made of" and "The receiver's checksum, off the client's thread"). Each piece is handed over without a copy when it
 * has a buffer of its own (grpc-js assembles every large message into a fresh one, which the
 * receiver has already copied from): that buffer is transferred, and the piece is detached.
 * One worker serves the whole process, started on first use; it keeps the process alive only
 * while a checksum is being computed. Should it fall behind by `BACKLOG_BYTES`, receivers pause
 * their streams until it catches up, so the pieces waiting for it hold a bounded amount of memory.
 * @module
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../util/start-worker.js';

/** A message to the worker: the next piece of object `id`, its end (reply with the checksum), or its abandonment. */
export type CrcRequest = { kind: 'piece'; id: number; piece: Uint8Array } | { kind: 'end'; id: number } | { kind: 'drop'; id: number };

/** The worker's answers: bytes of a piece read (sent for every piece), and the checksum an `end` asks for. */
export type CrcReply = { kind: 'read'; bytes: number } | { kind: 'crc'; id: number; crc: number };

/**
 * How many bytes may wait for the worker before receivers are asked to pause their streams
 * (`backlog`); they resume below half of it. The worker reads ~5 GB/s against a stream's
 * ~0.7 GB/s here, so this is reached only when the worker gets little CPU, and it bounds the
 * memory that pieces waiting for it can hold.
 */
export const BACKLOG_BYTES = 64 * 1024 * 1024;

/** How many bytes of a piece's buffer may lie outside the piece for it to be transferred (gRPC and protobuf framing). */
const FRAMING_BYTES = 64;

interface Waiting {
  resolve(crc: number): void;
  reject(error: Error): void;
}

/** The process's checksum worker and the objects open on it. */
class CrcThread {
  readonly #worker: Worker;
  /** Objects started and not yet ended or dropped. */
  readonly #open = new Set<number>();
  readonly #waiting = new Map<number, Waiting>();
  #failure: Error | undefined;
  /** Bytes sent to the worker and not yet read by it. */
  #backlog = 0;
  /** Resolves once the backlog is back under half its limit; undefined while under the limit. */
  #drained: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(onDead: () => void) {
    this.#worker = startWorker(import.meta.url, 'crc-worker');
    this.#worker.unref();
    this.#worker.on('message', (reply: CrcReply) => {
      if (reply.kind === 'read') return this.#read(reply.bytes);
      this.#waiting.get(reply.id)?.resolve(reply.crc);
      this.#forget(reply.id);
    });
    const fail = (error: Error): void => {
      if (this.#failure !== undefined) return;
      this.#failure = new Error(`The thread that checks received objects' checksums stopped (${error.message}); the object cannot be verified. Try the get again.`, { cause: error });
      onDead();
      for (const waiting of this.#waiting.values()) waiting.reject(this.#failure);
      this.#waiting.clear();
      this.#open.clear();
      // Paused streams go on: their gets fail on the checksum, not by waiting forever.
      this.#read(this.#backlog);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  /** Objects started and not yet ended or dropped (for tests). */
  get open(): number {
    return this.#open.size;
  }

  start(id: number): void {
    // While an object is open its result must arrive, so the worker keeps the process alive.
    if (this.#open.size === 0) this.#worker.ref();
    this.#open.add(id);
  }

  piece(id: number, piece: Uint8Array): void {
    if (this.#failure !== undefined) return;
    const buffer = piece.buffer;
    const own = buffer instanceof ArrayBuffer && buffer.byteLength - piece.byteLength <= FRAMING_BYTES;
    // A piece that shares its buffer (a slice of a larger read) goes as a copy of exactly itself.
    const sent = own ? piece : new Uint8Array(piece);
    // Counted before it goes: a transferred piece is empty afterwards.
    this.#backlog += sent.byteLength;
    this.#worker.postMessage({ kind: 'piece', id, piece: sent } satisfies CrcRequest, [sent.buffer as ArrayBuffer]);
    if (this.#backlog > BACKLOG_BYTES && this.#drained === undefined) {
      let resolve = (): void => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.#drained = { promise, resolve };
    }
  }

  /** A promise to wait for before receiving more, while the worker is behind; else undefined. */
  get backlog(): Promise<void> | undefined {
    return this.#drained?.promise;
  }

  #read(bytes: number): void {
    this.#backlog -= bytes;
    if (this.#drained !== undefined && this.#backlog <= BACKLOG_BYTES / 2) {
      this.#drained.resolve();
      this.#drained = undefined;
    }
  }

  end(id: number): Promise<number> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ kind: 'end', id } satisfies CrcRequest);
    });
  }

  drop(id: number): void {
    if (!this.#open.has(id)) return;
    if (this.#failure === undefined) this.#worker.postMessage({ kind: 'drop', id } satisfies CrcRequest);
    this.#forget(id);
  }

  #forget(id: number): void {
    this.#waiting.delete(id);
    this.#open.delete(id);
    if (this.#open.size === 0) this.#worker.unref();
  }
}

let thread: CrcThread | undefined;
let nextId = 1;

/** The running checksum of one object, computed off this thread. */
export class OffloadedCrc {
  readonly #id = nextId++;
  readonly #thread: CrcThread;
  #ended = false;

  constructor() {
    this.#thread = thread ??= new CrcThread(() => (thread = undefined));
    this.#thread.start(this.#id);
  }

  /**
   * Adds the next piece. Its bytes must already be copied where they are needed: a piece with a
   * buffer of its own is detached (empty) afterwards.
   */
  add(piece: Uint8Array): void {
    this.#thread.piece(this.#id, piece);
  }

  /**
   * The checksum of all the pieces added.
   * @throws Error when the worker stopped before answering.
   */
  result(): Promise<number> {
    this.#ended = true;
    return this.#thread.end(this.#id);
  }

  /**
   * While the worker is more than `BACKLOG_BYTES` behind, a promise that resolves once it has
   * caught up (to half of that): the receiver's stream should pause until then. Else undefined.
   */
  get backlog(): Promise<void> | undefined {
    return this.#thread.backlog;
  }

  /** Abandons the object (its call failed or was cancelled): the worker forgets it. */
  drop(): void {
    if (!this.#ended) this.#thread.drop(this.#id);
    this.#ended = true;
  }
}

/** How many objects are being checked off the thread right now (0 when idle): for tests. */
export function openOffloadedChecks(): number {
  return thread?.open ?? 0;
}

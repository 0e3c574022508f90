/**
 * Objects on the wire, receiving side: one `whole` message, or a header, data pieces and an
 * optional trailer. A receiver takes parts one at a time, synchronously, so a gRPC stream's
 * messages can be fed to it straight from grpc-js's `data` events with no async hop per message.
 * Each piece is copied once into a buffer sized from the header, so a received object costs one
 * copy and never a second whole-object concatenation. Nothing is returned before every check
 * passed: size, limits, and the checksum when the sender gave one.
 * @module
 */
import { DataCorruptedError, InvalidArgumentError, LimitExceededError } from '../../errors.js';
import type { Payload } from '../../core/protocol.js';
import { MAX_CODEC_BYTES } from '../../core/connector-input.js';
import type { ObjectHeader, SharedFile, WholeObject } from '../../../gen/proxymesh/v1/peer.js';
import { readSharedFile } from './shared-files.js';
import type { AnswerPart } from './chunks.js';
import { crc32c } from './crc32c.js';
import { withVerifiedCrc } from './verified-crc.js';
import { OffloadedCrc } from './crc-offload.js';

/** Limits and wording for a receiver. */
export interface ReceiveOptions {
  /** Largest object accepted, in bytes. */
  readonly maxBytes: number;
  /** What is being received, for error messages ("key pm://… from peer …"). */
  readonly what: string;
  /** Refuses an object by its announced size before any of it is received (a peer's byte limit). */
  readonly accept?: ((size: number) => void) | undefined;
  /** Whether the payload keeps the checksum verified, for a peer's later gets (verified-crc.ts; never for a caller's values). */
  readonly remember?: boolean | undefined;
  /**
   * Whether a streamed object of at least `OFFLOAD_BYTES` has its checksum computed on a worker
   * thread (crc-offload.ts): for a client, which must then take the payload from `finishAsync`.
   */
  readonly offload?: boolean | undefined;
  /**
   * The sender's shared-memory directory, when this process sees it and asked for files
   * (shared-files.ts): an object may then arrive as one `file` part, read by `finishAsync`.
   */
  readonly sharedDirectory?: string | undefined;
}

/** The smallest streamed object whose checksum a client computes off its thread: below it, handing pieces over costs more than it saves. */
export const OFFLOAD_BYTES = 4 * 1024 * 1024;

/** The checks of a header (or of a whole object's codec and size) before any payload is kept. */
function checkHeader(codec: string, size: number, options: ReceiveOptions): void {
  // The contract's limit is in bytes (what a peer in another language sees), not UTF-16 units.
  const codecBytes = Buffer.byteLength(codec, 'utf8');
  if (codecBytes === 0 || codecBytes > MAX_CODEC_BYTES) {
    throw new InvalidArgumentError(`The codec tag of ${options.what} must be 1 to ${MAX_CODEC_BYTES} bytes of UTF-8, got ${codecBytes}.`);
  }
  if (size > options.maxBytes) {
    throw new LimitExceededError(`${options.what} is ${size} bytes, over the limit of ${options.maxBytes} bytes (maximum object size). Split the object or raise the limit.`);
  }
  options.accept?.(size);
}

/** How a message names the object being received: the name, or how to make it. */
type Naming = string | (() => string);
const nameOf = (what: Naming): string => (typeof what === 'string' ? what : what());

/**
 * Checks a sent checksum against the received bytes' (`actual`, computed only when needed).
 * @param what - the object, as messages name it (a function when naming it costs: only a failure asks).
 * @throws DataCorruptedError when they differ.
 */
export function checkCrc(expected: number, actual: () => number, what: Naming): void {
  // Zero means "not computed" (the contract); anything else must match.
  if (expected !== 0 && actual() !== expected) {
    throw new DataCorruptedError(`${nameOf(what)}: the checksum does not match; the object was corrupted in transit.`);
  }
}

/**
 * Copies a data piece into an object being received, after the `received` bytes already there.
 * @param what - the object, as messages name it (as for `checkCrc`).
 * @returns the bytes received, this piece included.
 * @throws DataCorruptedError when the piece overruns the size its header announced.
 */
export function appendPiece(data: Uint8Array, received: number, piece: Uint8Array, what: Naming): number {
  if (piece.byteLength > data.byteLength - received) {
    throw new DataCorruptedError(`${nameOf(what)}: more data arrived than the ${data.byteLength} bytes its header announced.`);
  }
  data.set(piece, received);
  return received + piece.byteLength;
}

/**
 * Checks an object that came in one message, with the same checks as a streamed one.
 * @throws InvalidArgumentError, LimitExceededError, DataCorruptedError.
 */
export function receiveWhole(whole: WholeObject, options: ReceiveOptions): Payload {
  const { codec, data } = whole;
  checkHeader(codec, data.byteLength, options);
  checkCrc(whole.crc32c, () => crc32c(data), options.what);
  return { codec, data };
}

/**
 * Checks a header and makes the buffer its pieces go into.
 * @throws InvalidArgumentError for a bad codec tag, LimitExceededError for an oversized object.
 */
export function startObject(header: ObjectHeader, options: ReceiveOptions): { codec: string; data: Buffer } {
  // A uint64 beyond 2^53 rounds, but stays far above any limit, so the check holds.
  const size = Number(header.size);
  checkHeader(header.codec, size, options);
  return { codec: header.codec, data: Buffer.allocUnsafe(size) };
}

/** One object arriving part by part. Feed it with `push`, then take the payload with `finish`. */
export class ObjectReceiver {
  #payload: Payload | undefined;
  /** After the first part: receiving `pieces`, or done (`whole`, or a `trailer` arrived). */
  #state: 'start' | 'pieces' | 'trailer' | 'whole' | 'file' = 'start';
  /** The file the object is held in, for a `file` start. */
  #file: SharedFile | undefined;
  #received = 0;
  /** The trailer's checksum (0: none sent). */
  #crc = 0;
  /**
   * The checksum of the pieces so far, computed as each arrives: while later pieces are still on
   * the wire, so a large object's check does not wait until its last byte (it used to be one pass
   * over the whole object at the end, ~10 ms per 64 MiB on the critical path).
   */
  #running = 0;
  /** The checksum being computed on the worker thread instead (`offload`), until `finishAsync` takes it. */
  #offloaded: OffloadedCrc | undefined;

  constructor(readonly options: ReceiveOptions) {}

  /**
   * Takes the next part (`undefined`: a message whose oneof was unset, ignored after the start).
   * @throws InvalidArgumentError for parts out of order, DataCorruptedError for more data than
   *   announced, LimitExceededError for an oversized object.
   */
  push(part: AnswerPart | undefined): void {
    const { what } = this.options;
    if (this.#state === 'start') {
      if (part?.$case === 'whole') {
        const payload = receiveWhole(part.value, this.options);
        this.#payload = this.options.remember === true ? withVerifiedCrc(payload, part.value.crc32c) : payload;
        this.#state = 'whole';
      } else if (part?.$case === 'file') {
        if (this.options.sharedDirectory === undefined) throw new InvalidArgumentError(`${what}: the peer named a file, but this client did not ask for files.`);
        checkHeader(part.value.codec, Number(part.value.size), this.options);
        this.#file = part.value;
        this.#state = 'file';
      } else if (part?.$case === 'header') {
        this.#payload = startObject(part.value, this.options);
        this.#state = 'pieces';
        if (this.options.offload === true && this.#payload.data.byteLength >= OFFLOAD_BYTES) this.#offloaded = new OffloadedCrc();
      } else {
        throw new InvalidArgumentError(`${what}: the stream must start with a header (codec and size).`);
      }
      return;
    }
    if (part === undefined) return;
    if (this.#state === 'whole' || this.#state === 'file') throw new InvalidArgumentError(`${what}: nothing may follow a whole object in its stream.`);
    if (this.#state === 'trailer') throw new InvalidArgumentError(`${what}: nothing may follow the trailer.`);
    if (part.$case === 'header' || part.$case === 'whole' || part.$case === 'file') throw new InvalidArgumentError(`${what}: a second header arrived in one object stream.`);
    if (part.$case === 'trailer') {
      this.#crc = part.value.crc32c;
      this.#state = 'trailer';
      return;
    }
    const data = this.#payload?.data as Buffer;
    const piece = part.value;
    this.#received = appendPiece(data, this.#received, piece, what);
    // Copied first: an offloaded piece may leave this thread without a copy (and so be emptied).
    if (this.#offloaded !== undefined) this.#offloaded.add(piece);
    else this.#running = crc32c(piece, this.#running);
  }

  /**
   * While the checksum worker is far behind (crc-offload.ts), a promise to wait for before taking
   * more: the stream feeding this receiver should pause until it resolves. Else undefined.
   */
  get backpressure(): Promise<void> | undefined {
    return this.#offloaded?.backlog;
  }

  /** Whether the object is all here: it came whole, or its trailer arrived (nothing may follow either). */
  get complete(): boolean {
    return this.#state === 'whole' || this.#state === 'trailer' || this.#state === 'file';
  }

  /**
   * The payload, once the stream has ended (or is `complete`).
   * @throws InvalidArgumentError for an empty stream, DataCorruptedError for a truncated or corrupted one.
   */
  finish(): Payload {
    if (this.#state === 'file') throw new Error(`${this.options.what}: it is held in a file; take the payload from finishAsync.`);
    if (this.#offloaded !== undefined) throw new Error(`${this.options.what}: its checksum is computed off the thread; take the payload from finishAsync.`);
    const payload = this.#payload;
    const { what } = this.options;
    if (payload === undefined) throw new InvalidArgumentError(`${what}: the stream must start with a header (codec and size).`);
    if (this.#state === 'whole') return payload;
    const { data } = payload;
    if (this.#received !== data.byteLength) {
      throw new DataCorruptedError(`${what}: the stream ended after ${this.#received} of ${data.byteLength} bytes; the object was truncated in transit.`);
    }
    checkCrc(this.#crc, () => this.#running, what);
    // The running checksum is the received bytes' own, so it is kept even when the sender sent none.
    return this.options.remember === true ? withVerifiedCrc(payload, this.#running) : payload;
  }

  /**
   * `finish`, for a receiver that may have computed its checksum off the thread (`offload`).
   * @throws as `finish`; Error when the checksum thread stopped before answering.
   */
  async finishAsync(): Promise<Payload> {
    const directory = this.options.sharedDirectory;
    if (this.#file !== undefined && directory !== undefined) return readSharedFile(directory, this.#file, this.options.what);
    const offloaded = this.#offloaded;
    if (offloaded !== undefined) {
      this.#offloaded = undefined;
      const whole = this.#received === this.#payload?.data.byteLength;
      // A truncated object is refused by `finish` without waiting for its checksum.
      if (whole) this.#running = await offloaded.result();
      else offloaded.drop();
    }
    return this.finish();
  }

  /** Abandons a checksum still being computed off the thread (the call failed or was cancelled). */
  dispose(): void {
    this.#offloaded?.drop();
    this.#offloaded = undefined;
  }
}

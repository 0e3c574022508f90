/**
 * Many objects in one stream, as GetBatch and PutBatch carry them (see peer.proto): each object
 * is one `whole` part, or a header, data pieces and an optional trailer; a requested key with no
 * value is one `missing` part. `batchMessages` packs the parts of many objects into messages of
 * about 1 MiB, so 1,000 small objects cost a few messages instead of 1,000 calls;
 * `BatchAssembler` takes parts back in and hands out the objects, with every check a single Put
 * or Get makes (sizes, codec tag, CRC-32C, limits).
 * @module
 */
import type { BatchPart } from '../../../gen/proxymesh/v1/peer.js';
import type { Payload } from '../../core/protocol.js';
import { DataCorruptedError, InvalidArgumentError } from '../../errors.js';
import { dataParts, headerOf } from './chunks.js';
import { appendPiece, checkCrc, receiveWhole, startObject, type ReceiveOptions } from './object-receiver.js';
import { crc32c } from './crc32c.js';
import { checksumOf, withVerifiedCrc } from './verified-crc.js';
import { asBuffer } from './buffer-view.js';

/** Most keys of one GetBatch, and most objects of one PutBatch (the contract's limit). */
export const MAX_BATCH_OBJECTS = 10_000;

/** Size a batch message is filled to before the next one starts: the contract's "about 1 MiB". */
export const BATCH_MESSAGE_BYTES = 1024 * 1024;

// What a part costs on the wire beyond its payload bytes (tags, lengths, codec, checksum): a
// rough figure is enough, since it only decides where a message ends.
const PART_OVERHEAD = 16;

type Part = NonNullable<BatchPart['part']>;

/**
 * The parts of one object, or of a key with no value: small objects travel whole. A whole
 * object's checksum is left 0 when `checksums` is false (see `batchMessages`).
 */
function* partsOf(payload: Payload | undefined, chunkBytes: number, checksums: boolean): Generator<Part> {
  if (payload === undefined) {
    yield { $case: 'missing', value: {} };
  } else if (payload.data.byteLength <= chunkBytes) {
    const { data } = payload;
    // A view, never a copy; and no new view at all for what is already a Buffer (a peer's objects).
    yield { $case: 'whole', value: { codec: payload.codec, data: asBuffer(data), crc32c: checksums ? checksumOf(payload) : 0 } };
  } else {
    yield { $case: 'header', value: headerOf(payload) };
    yield* dataParts(payload, chunkBytes);
  }
}

function costOf(part: Part): number {
  switch (part.$case) {
    case 'whole':
      return part.value.data.byteLength + part.value.codec.length + PART_OVERHEAD;
    case 'data':
      return part.value.byteLength + PART_OVERHEAD;
    case 'header':
      return part.value.codec.length + PART_OVERHEAD;
    default:
      return PART_OVERHEAD;
  }
}

/**
 * The parts of `objects`, in order, packed into messages of about `BATCH_MESSAGE_BYTES`: a
 * message ends before the part that would take it past that size, so a data piece of
 * `chunkBytes` has a message to itself and no message exceeds max(1 MiB, one piece).
 * @param objects - the payloads (`undefined`: a key with no value, GetBatch only).
 * @param chunkBytes - largest object sent whole, and the size of the pieces of larger ones.
 * @param checksums - false leaves whole objects' checksums to `checksumWholeParts`, run as each
 *   message is serialised, so that a sender can hand one message over before it spends time
 *   on the checksums of the next.
 * @returns the `parts` of successive messages, views into the payloads, never copies.
 */
export function* batchMessages(objects: Iterable<Payload | undefined>, chunkBytes: number, checksums = true): Generator<BatchPart[]> {
  let parts: BatchPart[] = [];
  let bytes = 0;
  for (const object of objects) {
    for (const part of partsOf(object, chunkBytes, checksums)) {
      const cost = costOf(part);
      if (parts.length > 0 && bytes + cost > BATCH_MESSAGE_BYTES) {
        yield parts;
        parts = [];
        bytes = 0;
      }
      parts.push({ part });
      bytes += cost;
    }
  }
  if (parts.length > 0) yield parts;
}

/**
 * Fills in the checksums `batchMessages(…, false)` left out, in place.
 * @returns the same parts.
 */
export function checksumWholeParts(parts: BatchPart[]): BatchPart[] {
  for (const { part } of parts) if (part?.$case === 'whole') part.value.crc32c = crc32c(part.value.data);
  return parts;
}

/** Limits and wording for a `BatchAssembler`. */
export interface AssembleOptions {
  /** Largest object accepted, in bytes. */
  readonly maxBytes: number;
  /** Most objects accepted; more is INVALID_ARGUMENT. */
  readonly maxObjects: number;
  /** Whether a `missing` part is allowed (GetBatch answers) or refused (PutBatch requests). */
  readonly allowMissing: boolean;
  /** Names object `index` in error messages ("Object 3 of the PutBatch to peer …"). */
  readonly what: (index: number) => string;
  /** Refuses an object by its announced size before it is received (a peer's byte limit). */
  readonly accept?: ((size: number) => void) | undefined;
  /** Whether to remember the checksums verified, for a peer's later GetBatch (not for a caller's values). */
  readonly remember?: boolean | undefined;
}

/** An object whose header has arrived and whose pieces are coming in. */
interface Open {
  readonly target: { codec: string; data: Buffer };
  received: number;
}

/**
 * Turns batch parts, fed in order, back into objects: `objects` holds one entry per object
 * (`undefined` for a `missing` part). Throws at the first part that breaks the contract, naming
 * the object; what it has assembled is then to be dropped.
 */
export class BatchAssembler {
  /** The objects completed so far, in order. */
  readonly objects: (Payload | undefined)[] = [];
  #open: Open | undefined;
  /**
   * What each object is received with: one object for the whole batch, whose `what` names the
   * object being received only when an error message asks (a batch of 1,000 small objects used
   * to format 1,000 names that no error ever read).
   */
  readonly #receive: ReceiveOptions;

  /** @param options - limits, whether `missing` parts are allowed, and how errors name an object. */
  constructor(private readonly options: AssembleOptions) {
    const what = (): string => this.#what();
    this.#receive = {
      maxBytes: options.maxBytes,
      accept: options.accept,
      get what() {
        return what();
      },
    };
  }

  /**
   * Takes the next part.
   * @throws InvalidArgumentError for a part out of place, a `missing` part where none is allowed, or too many objects.
   * @throws LimitExceededError for an object over the size limit or refused by `accept`.
   * @throws DataCorruptedError for pieces that overrun their header or a checksum that does not match.
   */
  add(batchPart: BatchPart): void {
    const part = batchPart.part;
    if (part === undefined) throw new InvalidArgumentError(`${this.#what()}: a batch part is empty (none of whole, header, data, trailer or missing is set).`);
    if (part.$case === 'data') return this.#data(part.value);
    if (part.$case === 'trailer') return this.#trailer(part.value.crc32c);
    this.#closeWithoutTrailer();
    if (this.objects.length >= this.options.maxObjects) {
      throw new InvalidArgumentError(`${this.#what()}: a batch holds at most ${this.options.maxObjects} objects. Split it into several batches.`);
    }
    if (part.$case === 'whole') {
      const payload = receiveWhole(part.value, this.#receive);
      this.objects.push(this.#remember(payload, part.value.crc32c));
    } else if (part.$case === 'header') {
      this.#open = { target: startObject(part.value, this.#receive), received: 0 };
    } else if (this.options.allowMissing) {
      this.objects.push(undefined);
    } else {
      throw new InvalidArgumentError(`${this.#what()}: a 'missing' part is only meaningful in a GetBatch answer; send each object whole or as a header and pieces.`);
    }
  }

  /**
   * The objects, once every part has been added.
   * @throws DataCorruptedError when the last object was cut short.
   */
  finish(): (Payload | undefined)[] {
    this.#closeWithoutTrailer();
    return this.objects;
  }

  /** Names the object being received: the next one to complete. */
  #what(): string {
    return this.options.what(this.objects.length);
  }

  /** `#what`, for the checks shared with ObjectReceiver, which call it only to report a failure. */
  readonly #naming = (): string => this.#what();

  #data(piece: Buffer): void {
    const open = this.#open;
    if (open === undefined) throw new InvalidArgumentError(`${this.#what()}: a data piece arrived without a header before it.`);
    open.received = appendPiece(open.target.data, open.received, piece, this.#naming);
  }

  #trailer(expected: number): void {
    if (this.#open === undefined) throw new InvalidArgumentError(`${this.#what()}: a trailer arrived without a header before it.`);
    this.#close(this.#open, expected);
  }

  #closeWithoutTrailer(): void {
    if (this.#open !== undefined) this.#close(this.#open, 0);
  }

  /** Ends the open object: its pieces must add up to its size and match a non-zero checksum. */
  #close({ target, received }: Open, expected: number): void {
    this.#open = undefined;
    if (received !== target.data.byteLength) {
      throw new DataCorruptedError(`${this.#what()}: its pieces ended after ${received} of ${target.data.byteLength} bytes; the object was truncated in transit.`);
    }
    checkCrc(expected, () => crc32c(target.data), this.#naming);
    this.objects.push(this.#remember(target, expected));
  }

  #remember(payload: Payload, checksum: number): Payload {
    return this.options.remember === true ? withVerifiedCrc(payload, checksum) : payload;
  }
}

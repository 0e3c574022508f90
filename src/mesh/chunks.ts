/**
 * Objects on the wire: a header (codec, size), data pieces of at most `chunkBytes`, a trailer.
 * Sending slices the payload without copying it; receiving copies each piece once into a buffer
 * sized from the header, so a received object costs one copy and never a second whole-object
 * concatenation.
 * @module
 */
import { DataCorruptedError, InvalidArgumentError, LimitExceededError } from '../errors.js';
import type { Payload } from '../connectors/protocol.js';
import { MAX_CODEC_BYTES } from '../connectors/connector-input.js';
import type { ObjectHeader, ObjectTrailer, WholeObject } from '../../gen/proxymesh/v1/peer.js';
import { crc32c } from './crc32c.js';

/** One part of an object stream, as the generated oneof `part` types spell it. */
export type ObjectPart =
  | { $case: 'header'; value: ObjectHeader }
  | { $case: 'data'; value: Buffer }
  | { $case: 'trailer'; value: ObjectTrailer }
  | { $case: 'whole'; value: WholeObject };

/** Default size of a data piece: 1 MiB keeps every message far below gRPC's 4 MiB limit. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Largest data piece a peer accepts from others. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/** The header of a payload. */
export function headerOf(payload: Payload): ObjectHeader {
  return { codec: payload.codec, size: BigInt(payload.data.byteLength) };
}

/**
 * The data pieces and trailer of a payload: views into it, never copies. The trailer carries
 * the CRC-32C of the payload, computed piece by piece as the pieces go out, so the receiver
 * can prove it got exactly these bytes.
 */
export function* dataParts(payload: Payload, chunkBytes = DEFAULT_CHUNK_BYTES): Generator<Extract<ObjectPart, { $case: 'data' | 'trailer' }>> {
  const { data } = payload;
  let crc = 0;
  for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
    const length = Math.min(chunkBytes, data.byteLength - offset);
    const piece = Buffer.from(data.buffer, data.byteOffset + offset, length);
    crc = crc32c(piece, crc);
    yield { $case: 'data', value: piece };
  }
  yield { $case: 'trailer', value: { crc32c: crc } };
}

/** The whole object stream of a payload: header, data pieces, trailer. */
export function* objectParts(payload: Payload, chunkBytes = DEFAULT_CHUNK_BYTES): Generator<ObjectPart> {
  yield { $case: 'header', value: headerOf(payload) };
  yield* dataParts(payload, chunkBytes);
}

/** Limits and wording for `receiveObject`. */
export interface ReceiveOptions {
  /** Largest object accepted, in bytes. */
  readonly maxBytes: number;
  /** What is being received, for error messages ("key pm://… from peer …"). */
  readonly what: string;
  /** Refuses an object by its announced size before any of it is received (a peer's byte limit). */
  readonly accept?: ((size: number) => void) | undefined;
}

/**
 * Checks a header and makes the buffer its payload goes into.
 * @throws InvalidArgumentError for a bad codec tag, LimitExceededError for an oversized object.
 */
export function startObject(header: ObjectHeader, options: ReceiveOptions): { codec: string; data: Buffer } {
  startHeader(header, options);
  return { codec: header.codec, data: Buffer.allocUnsafe(Number(header.size)) };
}

/** The checks of `startObject`, without the buffer. */
function startHeader(header: ObjectHeader, options: ReceiveOptions): void {
  const { codec } = header;
  // The contract's limit is in bytes (what a peer in another language sees), not UTF-16 units.
  const codecBytes = Buffer.byteLength(codec, 'utf8');
  if (codecBytes === 0 || codecBytes > MAX_CODEC_BYTES) {
    throw new InvalidArgumentError(`The codec tag of ${options.what} must be 1 to ${MAX_CODEC_BYTES} bytes of UTF-8, got ${codecBytes}.`);
  }
  if (header.size > BigInt(options.maxBytes)) {
    throw new LimitExceededError(`${options.what} is ${header.size} bytes, over the limit of ${options.maxBytes} bytes (maximum object size). Split the object or raise the limit.`);
  }
  options.accept?.(Number(header.size));
}

/**
 * Reads the data pieces and trailer that follow a header into `target`.
 * @throws DataCorruptedError when the pieces do not add up to the header's size or the
 *   checksum does not match: a wrong object is never returned.
 */
export async function receiveData(parts: AsyncIterable<ObjectPart | undefined>, target: { codec: string; data: Buffer }, options: ReceiveOptions): Promise<Payload> {
  const { data } = target;
  let received = 0;
  let trailer: ObjectTrailer | undefined;
  for await (const part of parts) {
    if (part === undefined) continue;
    if (trailer !== undefined) throw new InvalidArgumentError(`${options.what}: nothing may follow the trailer.`);
    if (part.$case === 'header' || part.$case === 'whole') throw new InvalidArgumentError(`${options.what}: a second header arrived in one object stream.`);
    if (part.$case === 'trailer') {
      trailer = part.value;
      continue;
    }
    const piece = part.value;
    if (piece.byteLength > data.byteLength - received) {
      throw new DataCorruptedError(`${options.what}: more data arrived than the ${data.byteLength} bytes its header announced.`);
    }
    data.set(piece, received);
    received += piece.byteLength;
  }
  if (received !== data.byteLength) {
    throw new DataCorruptedError(`${options.what}: the stream ended after ${received} of ${data.byteLength} bytes; the object was truncated in transit.`);
  }
  if (trailer && trailer.crc32c !== 0 && crc32c(data) !== trailer.crc32c) {
    throw new DataCorruptedError(`${options.what}: the checksum does not match; the object was corrupted in transit.`);
  }
  return { codec: target.codec, data };
}

/**
 * Checks an object that came in one message, with the same checks as a streamed one.
 * @throws InvalidArgumentError, LimitExceededError, DataCorruptedError as `startObject` and `receiveData`.
 */
export function receiveWhole(whole: WholeObject, options: ReceiveOptions): Payload {
  const { codec, data, crc32c: expected } = whole;
  startHeader({ codec, size: BigInt(data.byteLength) }, options);
  if (expected !== 0 && crc32c(data) !== expected) {
    throw new DataCorruptedError(`${options.what}: the checksum does not match; the object was corrupted in transit.`);
  }
  return { codec, data };
}

/**
 * Reads a whole object stream: a header and what follows it, or one whole object.
 * @throws InvalidArgumentError when the stream does not start with a header, or a whole object has company.
 */
export async function receiveObject(parts: AsyncIterable<ObjectPart | undefined>, options: ReceiveOptions): Promise<Payload> {
  const iterator = parts[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (!first.done && first.value?.$case === 'whole') {
    const payload = receiveWhole(first.value.value, options);
    const next = await iterator.next();
    if (!next.done) throw new InvalidArgumentError(`${options.what}: nothing may follow a whole object in its stream.`);
    return payload;
  }
  if (first.done || first.value?.$case !== 'header') {
    throw new InvalidArgumentError(`${options.what}: the stream must start with a header (codec and size).`);
  }
  const target = startObject(first.value.value, options);
  return receiveData({ [Symbol.asyncIterator]: () => iterator }, target, options);
}

/**
 * Encoders and decoders of the four messages that carry payloads (PutRequest, GetResponse,
 * AwaitResponse, SetRequest), written so a payload is never copied more than it must be.
 * ts-proto's stock encoder copies each piece three times on send (the writer, `finish()`, and
 * nice-grpc's `Buffer.from`) and its decoder once more on receive; in a profile of a 64 MiB get
 * that was a quarter of the peer's time (BENCHMARKS.md, Tuning: "Zero-copy codecs for payload messages"). Here a `data` or `whole`
 * part is laid out directly as protobuf bytes, `[tag][length][payload]`, in one buffer (one
 * copy; grpc-js's framing adds its own, as for any message), and decoded as a view of the
 * received message (no copy). Every other message, and anything unusual on receive, goes through the
 * generated code, so the wire format is exactly the contract's.
 * @module
 */
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { MessageFns } from '../../../gen/proxymesh/v1/peer.js';
import { AwaitResponse, GetResponse, Key, PeerServiceDefinition, PutRequest, SetRequest, type WholeObject } from '../../../gen/proxymesh/v1/peer.js';
import type { AnswerPart, ObjectPart } from './chunks.js';
import { asBuffer } from './buffer-view.js';
import { decodeBatchMessage } from './batch-decode.js';
import { lengthDelimitedSize, readVarint32, tag, VARINT, varintSize, writeVarint } from './protobuf.js';

// Field numbers of the contract, as protobuf tags (protobuf.ts).
/** `data` is field 2 of all four messages; `whole` is field 4 of the three whose oneof has it. */
const DATA = tag(2);
const WHOLE = tag(4);
/** In WholeObject: codec (1), data (2), crc32c (3, varint). In SetRequest: header (1); in SetHeader: key (1), whole (4), capability (3). */
const WHOLE_CODEC = tag(1);
const WHOLE_DATA = tag(2);
const WHOLE_CRC = tag(3, VARINT);
const SET_HEADER = tag(1);
const HEADER_KEY = tag(1);
const HEADER_WHOLE = tag(4);
const HEADER_CAPABILITY = tag(3);

/** Size of a length-delimited field with `length` bytes of content; proto3 leaves an empty one out when `omitEmpty`. */
const fieldSize = (length: number, omitEmpty = false): number => (omitEmpty && length === 0 ? 0 : lengthDelimitedSize(length));

/** Writes a field's tag and length at `pos`; returns where its content goes. */
function writeFieldHead(out: Buffer, pos: number, fieldTag: number, length: number): number {
  out[pos] = fieldTag;
  return writeVarint(out, pos + 1, length);
}

/** Where an encoder writes a message of `size` bytes. */
export type Allocate = (size: number) => Buffer<ArrayBuffer>;

/** A new buffer for one message (a small one from Node's pool). */
const fresh: Allocate = (size) => Buffer.allocUnsafe(size);

/** WholeObject's content: its size, and how to write it. */
function wholeLayout(whole: WholeObject): { size: number; write(out: Buffer, pos: number): number } {
  const codecBytes = Buffer.byteLength(whole.codec, 'utf8');
  const { data, crc32c } = whole;
  const size = fieldSize(codecBytes, true) + fieldSize(data.byteLength, true) + (crc32c === 0 ? 0 : 1 + varintSize(crc32c));
  return {
    size,
    write(out, start) {
      let pos = start;
      if (codecBytes > 0) {
        pos = writeFieldHead(out, pos, WHOLE_CODEC, codecBytes);
        pos += out.write(whole.codec, pos, 'utf8');
      }
      if (data.byteLength > 0) {
        pos = writeFieldHead(out, pos, WHOLE_DATA, data.byteLength);
        out.set(data, pos);
        pos += data.byteLength;
      }
      if (crc32c !== 0) {
        out[pos] = WHOLE_CRC;
        pos = writeVarint(out, pos + 1, crc32c);
      }
      return pos;
    },
  };
}

/** A data piece as a message of any of the four: `[tag][length][piece]`. */
function encodeData(piece: Uint8Array, alloc: Allocate = fresh): Buffer<ArrayBuffer> {
  const out = alloc(fieldSize(piece.byteLength));
  out.set(piece, writeFieldHead(out, 0, DATA, piece.byteLength));
  return out;
}

/** A `data` or `whole` part as a message of PutRequest, GetResponse or AwaitResponse; else `undefined`. */
function encodePayloadPart(part: AnswerPart | undefined, alloc: Allocate = fresh): Buffer<ArrayBuffer> | undefined {
  if (part?.$case === 'data') return encodeData(part.value, alloc);
  if (part?.$case !== 'whole') return undefined;
  const whole = wholeLayout(part.value);
  const out = alloc(fieldSize(whole.size));
  whole.write(out, writeFieldHead(out, 0, WHOLE, whole.size));
  return out;
}

/** A SetRequest whose header carries the whole object, or a data piece; else `undefined`. */
function encodeSetPart(part: SetRequest['part']): Buffer<ArrayBuffer> | undefined {
  if (part?.$case === 'data') return encodeData(part.value);
  if (part?.$case !== 'header' || part.value.payload?.$case !== 'whole') return undefined;
  const { key, payload, capability } = part.value;
  const keyBytes = key ? Key.encode(key).finish() : undefined;
  const capabilityBytes = Buffer.byteLength(capability, 'utf8');
  const whole = wholeLayout(payload.value);
  const headerSize = (keyBytes ? fieldSize(keyBytes.byteLength) : 0) + fieldSize(whole.size) + fieldSize(capabilityBytes, true);
  const out = Buffer.allocUnsafe(fieldSize(headerSize));
  let pos = writeFieldHead(out, 0, SET_HEADER, headerSize);
  if (keyBytes) {
    pos = writeFieldHead(out, pos, HEADER_KEY, keyBytes.byteLength);
    out.set(keyBytes, pos);
    pos += keyBytes.byteLength;
  }
  pos = whole.write(out, writeFieldHead(out, pos, HEADER_WHOLE, whole.size));
  if (capabilityBytes > 0) out.write(capability, writeFieldHead(out, pos, HEADER_CAPABILITY, capabilityBytes), 'utf8');
  return out;
}

/** A view of `input`'s bytes, without a copy (grpc-js hands each message over in its own buffer). */
const view = (input: Uint8Array, start: number, end: number): Buffer => Buffer.from(input.buffer, input.byteOffset + start, end - start);

/** The one length-delimited field `fieldTag` that makes up the whole of `input[start, end)`: its content range. */
function soleField(input: Uint8Array, fieldTag: number, start = 0, end = input.byteLength): [number, number] | undefined {
  if (input[start] !== fieldTag) return undefined;
  const length = readVarint32(input, start + 1);
  if (length === undefined || length[1] + length[0] !== end) return undefined;
  return [length[1], end];
}

/** WholeObject from its content, with `data` a view; `undefined` for anything the fast path does not know. */
function decodeWhole(input: Uint8Array, start: number, end: number): WholeObject | undefined {
  const whole: WholeObject = { codec: '', data: Buffer.alloc(0), crc32c: 0 };
  let pos = start;
  while (pos < end) {
    const fieldTag = input[pos++];
    if (fieldTag === WHOLE_CRC) {
      const crc = readVarint32(input, pos);
      if (crc === undefined) return undefined;
      [whole.crc32c, pos] = crc;
      continue;
    }
    const length = readVarint32(input, pos);
    if (length === undefined || length[1] + length[0] > end) return undefined;
    const [from, to] = [length[1], length[1] + length[0]];
    if (fieldTag === WHOLE_CODEC) whole.codec = Buffer.from(input.buffer, input.byteOffset + from, to - from).toString('utf8');
    else if (fieldTag === WHOLE_DATA) whole.data = view(input, from, to);
    else return undefined;
    pos = to;
  }
  return whole;
}

/** A `data` or `whole` part decoded as views of `input`, when that is all `input` holds. */
function decodePayloadPart(input: Uint8Array, withWhole: boolean): ObjectPart | undefined {
  const data = soleField(input, DATA);
  if (data) return { $case: 'data', value: view(input, data[0], data[1]) };
  const whole = withWhole ? soleField(input, WHOLE) : undefined;
  const value = whole && decodeWhole(input, whole[0], whole[1]);
  return value ? { $case: 'whole', value } : undefined;
}

type PartMessage = { part?: unknown };

/**
 * A message the fast path encoded, handed over as the writer the generated `encode` returns:
 * its callers only call `finish()`, which gives the bytes as they are, without a copy.
 */
class EncodedMessage extends BinaryWriter {
  readonly #encoded: Uint8Array<ArrayBuffer>;

  constructor(encoded: Uint8Array<ArrayBuffer>) {
    super();
    this.#encoded = encoded;
  }

  override finish(): Uint8Array<ArrayBuffer> {
    return this.#encoded;
  }
}

/** `fns` with the fast paths in front: the generated code handles every other message. */
function zeroCopy<T extends PartMessage>(fns: MessageFns<T>, encodeFast: (part: T['part']) => Buffer<ArrayBuffer> | undefined, withWhole: boolean): MessageFns<T> {
  return {
    ...fns,
    encode(message, writer) {
      const bytes = writer === undefined ? encodeFast(message.part) : undefined;
      return bytes === undefined ? fns.encode(message, writer) : new EncodedMessage(bytes);
    },
    decode(input, length) {
      const fast = input instanceof Uint8Array && length === undefined ? decodePayloadPart(input, withWhole) : undefined;
      return fast === undefined ? fns.decode(input, length) : ({ part: fast } as T);
    },
  };
}

/** PutRequest with zero-copy `data` and `whole` parts. */
export const PutRequestCodec = zeroCopy(PutRequest, (part) => encodePayloadPart(part), true);
/** GetResponse with zero-copy `data` and `whole` parts. */
export const GetResponseCodec = zeroCopy(GetResponse, (part) => encodePayloadPart(part), true);
/** AwaitResponse with zero-copy `data` and `whole` parts. */
export const AwaitResponseCodec = zeroCopy(AwaitResponse, (part) => encodePayloadPart(part), true);
/** SetRequest with zero-copy `data` parts and whole-object headers (a received whole header goes through the generated decoder). */
export const SetRequestCodec = zeroCopy(SetRequest, encodeSetPart, false);

const { methods } = PeerServiceDefinition;

/** The PeerService definition with these codecs on the four payload-carrying messages, and PutBatch decoded with views: what peers serve and clients call. */
export const zeroCopyDefinition = {
  ...PeerServiceDefinition,
  methods: {
    ...methods,
    put: { ...methods.put, requestType: PutRequestCodec },
    get: { ...methods.get, responseType: GetResponseCodec },
    set: { ...methods.set, requestType: SetRequestCodec },
    await: { ...methods.await, responseType: AwaitResponseCodec },
    // A peer stores a PutBatch's small objects as views into its messages (shared-buffers.ts).
    putBatch: { ...methods.putBatch, requestType: { ...methods.putBatch.requestType, decode: (input: Uint8Array) => decodeBatchMessage(input) } },
  },
} as typeof PeerServiceDefinition;

/** Responses at least this large are encoded into the reused buffer; smaller ones come cheaply from Node's pool. */
const IN_PLACE_BYTES = 64 * 1024;
let scratch = Buffer.alloc(0);

/**
 * The first `size` bytes of the reused buffer, grown when too small: for a peer's responses
 * only, which grpc-js's server copies before `write` returns (see `serializeResponseInPlace`).
 */
export const inPlace: Allocate = (size) => {
  if (size < IN_PLACE_BYTES) return Buffer.allocUnsafe(size);
  if (scratch.byteLength < size) scratch = Buffer.allocUnsafeSlow(size);
  return scratch.subarray(0, size);
};

/**
 * The serialiser of a peer's Get and Await responses on its grpc-js server: large `data` and
 * `whole` parts are encoded into one reused buffer. grpc-js's server copies every serialised
 * response into its own frame before `write` returns (`serializeMessage` in
 * server-interceptors.js; the peer installs no interceptors), so the buffer is free again at
 * once, and a large get no longer allocates a fresh 1 MiB buffer per piece only to have it
 * copied and dropped: half the peer's garbage on large gets. Against the bare grpc-js stream,
 * 64 MiB gets from two peer processes, interleaved, went from 0.82–0.96× to 0.91–1.03×
 * (BENCHMARKS.md, Tuning: "Checksums kept by the peer, and what limits large gets"). Were a grpc-js release to defer that copy, the next piece would overwrite the buffer and
 * the receiver's CRC-32C check would refuse the object (DataCorruptedError), never deliver it
 * wrong; test/integration/peer-server-calls.test.ts gets large objects concurrently to catch
 * exactly that. Never for a client: its writes are framed after an asynchronous filter stack.
 */
export function serializeResponseInPlace(codec: MessageFns<GetResponse> | MessageFns<AwaitResponse>): (message: GetResponse & AwaitResponse) => Buffer {
  return (message) => {
    const fast = encodePayloadPart(message.part, inPlace);
    if (fast !== undefined) return fast;
    return asBuffer(codec.encode(message).finish());
  };
}

/** Object streams (one whole object, or a header, data pieces, trailer) and the CRC-32C they carry; no sockets. */
import { describe, expect, it } from 'vitest';
import { DataCorruptedError, InvalidArgumentError, LimitExceededError } from '../../src/errors.js';
import {
  DEFAULT_CHUNK_BYTES,
  dataParts,
  headerOf,
  objectParts,
  type ObjectPart,
} from '../../src/mesh/wire/chunks.js';
import { ObjectReceiver, type ReceiveOptions } from '../../src/mesh/wire/object-receiver.js';
import type { Payload } from '../../src/core/protocol.js';
import { MAX_CODEC_BYTES } from '../../src/core/connector-input.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { patternBytes } from '../helpers/data.js';

const options: ReceiveOptions = { maxBytes: 1 << 20, what: 'Key pm://test from peer 127.0.0.1:1' };

/** The parts of a stream, in the order a gRPC call delivers them. */
const stream = (...parts: (ObjectPart | undefined)[]): (ObjectPart | undefined)[] => parts;

/** What a peer does with a Put stream: push each part into a receiver, then finish it (async, as errors are asserted as rejections). */
async function receiveObject(parts: (ObjectPart | undefined)[], receiveOptions: ReceiveOptions): Promise<Payload> {
  const receiver = new ObjectReceiver(receiveOptions);
  for (const part of parts) receiver.push(part);
  return receiver.finish();
}

const header = (size: number, codec = 'bytes'): ObjectPart => ({ $case: 'header', value: { codec, size: BigInt(size) } });
const data = (bytes: Uint8Array | string): ObjectPart => ({ $case: 'data', value: Buffer.from(bytes) });
const trailer = (crc: number): ObjectPart => ({ $case: 'trailer', value: { crc32c: crc } });
const whole = (bytes: string, crc = crc32c(Buffer.from(bytes)), codec = 'bytes'): ObjectPart => ({ $case: 'whole', value: { codec, data: Buffer.from(bytes), crc32c: crc } });

/** The data pieces of an object stream. */
function pieces(parts: Iterable<ObjectPart>): Buffer[] {
  return [...parts].flatMap((p) => (p.$case === 'data' ? [p.value] : []));
}

describe('crc32c', () => {
  // The standard check value of CRC-32C (Castagnoli): "123456789" gives 0xE3069283.
  it('matches the known check value', () => {
    expect(crc32c(Buffer.from('123456789', 'ascii'))).toBe(0xe3069283);
  });

  // The iSCSI test vectors of RFC 3720, appendix B.4, and the empty input.
  it('matches the RFC 3720 vectors', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  // Continuing over pieces gives the checksum of the whole, so a stream can be summed piece by piece.
  it('continues over pieces', () => {
    const whole = patternBytes(10_000, 'crc');
    const split = crc32c(whole.subarray(3_333), crc32c(whole.subarray(0, 3_333)));
    expect(split).toBe(crc32c(whole));
    expect(split).not.toBe(crc32c(patternBytes(10_000, 'other')));
  });
});

describe('objectParts', () => {
  // A payload of at most one piece is one message: codec, the bytes (a view, not a copy) and their checksum.
  it('sends a payload of at most chunkBytes as one whole object', () => {
    const data = Buffer.from('{"a":1}');
    const parts = [...objectParts({ codec: 'json', data })];
    expect(parts).toEqual([{ $case: 'whole', value: { codec: 'json', data, crc32c: crc32c(data) } }]);
    expect((parts[0]?.value as { data: Buffer }).data.buffer).toBe(data.buffer);
    expect([...objectParts({ codec: 'bytes', data: new Uint8Array(1_000) }, 1_000)].map((p) => p.$case)).toEqual(['whole']);
    expect([...objectParts({ codec: 'bytes', data: new Uint8Array(1_001) }, 1_000)].map((p) => p.$case)).toEqual(['header', 'data', 'data', 'trailer']);
  });

  // A larger payload: the header carries the codec tag and exact size; the trailer the checksum of every byte sent.
  it('streams a larger payload as a header, pieces and a trailer carrying the CRC-32C of the payload', () => {
    const big = patternBytes(3_000, 'crc');
    const parts = [...objectParts({ codec: 'json', data: big }, 1_000)];
    expect(parts[0]).toEqual({ $case: 'header', value: { codec: 'json', size: 3_000n } });
    // Computed piece by piece, it equals the checksum of the whole.
    expect(parts.at(-1)).toEqual({ $case: 'trailer', value: { crc32c: crc32c(big) } });
    expect(headerOf({ codec: 'utf8', data: new Uint8Array(5) })).toEqual({ codec: 'utf8', size: 5n });
  });

  // Pieces are views of the payload's own ArrayBuffer (no copy), at most chunkBytes each, in order.
  it('slices the payload without copying it', () => {
    // A view into the middle of a larger buffer checks that byteOffset is honoured.
    const backing = patternBytes(10_000, 'slices');
    const payload = { codec: 'bytes', data: backing.subarray(100, 100 + 2_500) };
    const got = pieces(objectParts(payload, 1_000));
    expect(got.map((p) => p.byteLength)).toEqual([1_000, 1_000, 500]);
    for (const [i, piece] of got.entries()) {
      expect(piece.buffer).toBe(backing.buffer);
      expect(piece.byteOffset).toBe(backing.byteOffset + 100 + i * 1_000);
    }
    expect(Buffer.concat(got).equals(payload.data)).toBe(true);
  });

  // A payload that divides evenly makes full pieces only, none empty; the default piece is 1 MiB.
  it('keeps every piece within chunkBytes', () => {
    expect(pieces(objectParts({ codec: 'bytes', data: new Uint8Array(4_096) }, 1_024)).map((p) => p.byteLength)).toEqual([1_024, 1_024, 1_024, 1_024]);
    expect(pieces(dataParts({ codec: 'bytes', data: new Uint8Array(4_096) }, 1_024)).map((p) => p.byteLength)).toEqual([1_024, 1_024, 1_024, 1_024]);
    const big = pieces(objectParts({ codec: 'bytes', data: new Uint8Array(2 * DEFAULT_CHUNK_BYTES + 1) }));
    expect(big.map((p) => p.byteLength)).toEqual([DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_BYTES, 1]);
  });

  // An empty payload is one whole object; streamed, it would be a trailer and no data message at all.
  it('sends no data piece for an empty payload', () => {
    const parts = [...objectParts({ codec: 'utf8', data: new Uint8Array(0) })];
    expect(parts.map((p) => p.$case)).toEqual(['whole']);
    expect([...dataParts({ codec: 'utf8', data: new Uint8Array(0) })].map((p) => p.$case)).toEqual(['trailer']);
  });
});

describe('receiveObject', () => {
  // What objectParts sends, receiveObject rebuilds byte for byte, ignoring empty parts (a message whose oneof is unset) after the header.
  it('rebuilds a payload from its parts', async () => {
    const payload = { codec: 'v8', data: patternBytes(5_000, 'round-trip') };
    const got = await receiveObject(stream(...[...objectParts(payload, 999)].flatMap((p) => [p, undefined])), options);
    expect(got.codec).toBe('v8');
    expect(Buffer.from(got.data).equals(payload.data)).toBe(true);
  });

  // The trailer is optional, and a correct non-zero checksum is accepted.
  it('accepts a missing trailer and a correct checksum', async () => {
    const bytes = Buffer.from('checked');
    expect(Buffer.from((await receiveObject(stream(header(7), data(bytes)), options)).data).toString()).toBe('checked');
    const checked = await receiveObject(stream(header(7), data('check'), data('ed'), trailer(crc32c(bytes))), options);
    expect(Buffer.from(checked.data).toString()).toBe('checked');
  });

  // A whole object is checked like a streamed one and returned as it came, without a copy.
  it('receives a whole object', async () => {
    const part = whole('small', undefined, 'utf8');
    const got = await receiveObject(stream(part, undefined), options);
    expect(got.codec).toBe('utf8');
    expect(got.data).toBe((part.value as { data: Buffer }).data);
    expect(Buffer.from((await receiveObject(stream(whole('unchecked', 0)), options)).data).toString()).toBe('unchecked');
  });

  // A receiver is synchronous: parts pushed one by one from event handlers give the same object, and it says when the object is complete.
  it('takes parts synchronously', () => {
    const payload = { codec: 'bytes', data: patternBytes(2_500, 'sync') };
    const receiver = new ObjectReceiver(options);
    const parts = [...objectParts(payload, 1_000)];
    for (const part of parts) {
      // Complete only once the trailer is in; a whole object is complete at once.
      expect(receiver.complete).toBe(false);
      receiver.push(part);
    }
    expect(receiver.complete).toBe(true);
    expect(Buffer.from(receiver.finish().data).equals(payload.data)).toBe(true);
    const small = new ObjectReceiver(options);
    small.push(whole('small'));
    expect(small.complete).toBe(true);
  });

  // An empty object is a header of size 0 and nothing else.
  it('receives an empty object', async () => {
    const got = await receiveObject(stream(header(0, 'utf8'), trailer(0)), options);
    expect(got).toMatchObject({ codec: 'utf8' });
    expect(got.data.byteLength).toBe(0);
  });

  // Malformed streams are refused with the error class the contract maps to a status, naming the object.
  it.each<[string, (ObjectPart | undefined)[], new (message: string) => Error, RegExp]>([
    ['an empty stream', [], InvalidArgumentError, /must start with a header/],
    ['a stream of empty parts', [undefined, undefined], InvalidArgumentError, /must start with a header/],
    ['data before the header', [data('abc'), header(3)], InvalidArgumentError, /must start with a header/],
    ['a trailer first', [trailer(0)], InvalidArgumentError, /must start with a header/],
    ['more data than announced', [header(3), data('ab'), data('cd')], DataCorruptedError, /more data arrived than the 3 bytes/],
    ['a truncated payload', [header(10), data('abcd'), trailer(0)], DataCorruptedError, /ended after 4 of 10 bytes/],
    ['a second header', [header(2), data('a'), header(1), data('b')], InvalidArgumentError, /second header/],
    ['data after the trailer', [header(2), data('a'), trailer(0), data('b')], InvalidArgumentError, /nothing may follow the trailer/],
    ['a wrong checksum', [header(3), data('abc'), trailer(crc32c(Buffer.from('abd')))], DataCorruptedError, /checksum does not match/],
    ['an empty codec tag', [header(1, ''), data('a')], InvalidArgumentError, /codec tag .* must be 1 to 64/],
    ['a codec tag over 64 characters', [header(1, 'c'.repeat(MAX_CODEC_BYTES + 1)), data('a')], InvalidArgumentError, /got 65/],
    ['a header over the size limit', [header(options.maxBytes + 1), data('a')], LimitExceededError, /1048577 bytes, over the limit of 1048576/],
    ['a whole object with a wrong checksum', [whole('abc', crc32c(Buffer.from('abd')))], DataCorruptedError, /checksum does not match/],
    ['a whole object with an empty codec tag', [whole('abc', undefined, '')], InvalidArgumentError, /codec tag .* must be 1 to 64/],
    ['a whole object over the size limit', [{ $case: 'whole', value: { codec: 'bytes', data: Buffer.alloc(options.maxBytes + 1), crc32c: 0 } }], LimitExceededError, /over the limit/],
    ['data after a whole object', [whole('abc'), data('d')], InvalidArgumentError, /nothing may follow a whole object/],
    ['a header after a whole object', [whole('abc'), header(1)], InvalidArgumentError, /nothing may follow a whole object/],
    ['a whole object after a header', [header(3), whole('abc')], InvalidArgumentError, /second header/],
  ])('rejects %s', async (_, parts, cls, why) => {
    const error = await receiveObject(stream(...parts), options).then(
      () => new Error('receiveObject accepted the stream'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(cls);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toContain(options.what);
  });

  // A codec tag of exactly 64 characters and an object of exactly the limit are accepted.
  it('accepts the limits themselves', async () => {
    const codec = 'c'.repeat(MAX_CODEC_BYTES);
    const got = await receiveObject(stream(header(4, codec), data('abcd')), { ...options, maxBytes: 4 });
    expect(got.codec).toBe(codec);
  });

  // The contract limits the codec tag to 64 bytes: 64 two-byte characters are 128 bytes, too long.
  it('measures the codec tag in UTF-8 bytes', async () => {
    await expect(receiveObject(stream(header(1, 'é'.repeat(MAX_CODEC_BYTES)), data('a')), options)).rejects.toBeInstanceOf(InvalidArgumentError);
    const got = await receiveObject(stream(header(1, 'é'.repeat(MAX_CODEC_BYTES / 2)), data('a')), options);
    expect(got.codec).toBe('é'.repeat(32));
  });
});

/**
 * GetBatch and PutBatch on the wire: a client built from the generated contract alone (no
 * proxymesh client code) against a real peer on loopback. Covers packing, order, repeats,
 * missing keys, an object in pieces inside a batch, all-or-nothing refusals and bad input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError, Status, createChannel, createClient, type Channel } from 'nice-grpc';
import { PeerServiceDefinition, type BatchPart, type GetBatchResponse, type Key, type PeerServiceClient } from '../../gen/proxymesh/v1/peer.js';
import { BatchAssembler } from '../../src/mesh/wire/batch-parts.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { Peer } from '../../src/mesh/server/peer.js';
import { patternBytes, sha256 } from '../helpers/data.js';

const CHUNK = 64 * 1024;
const KiB = 1024;

const whole = (data: Buffer, codec = 'bytes', crc = crc32c(data)): BatchPart => ({ part: { $case: 'whole', value: { codec, data, crc32c: crc } } });
const header = (size: number, codec = 'bytes'): BatchPart => ({ part: { $case: 'header', value: { codec, size: BigInt(size) } } });
const data = (piece: Buffer): BatchPart => ({ part: { $case: 'data', value: piece } });
const trailer = (crc: number): BatchPart => ({ part: { $case: 'trailer', value: { crc32c: crc } } });
const missing: BatchPart = { part: { $case: 'missing', value: {} } };

/** An object as a header, pieces of `piece` bytes and a trailer with its checksum. */
function inPieces(bytes: Buffer, piece: number): BatchPart[] {
  const pieces: BatchPart[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += piece) pieces.push(data(bytes.subarray(offset, offset + piece)));
  return [header(bytes.byteLength), ...pieces, trailer(crc32c(bytes))];
}

/** The status a call failed with; fails the test if it succeeded. */
async function failure(call: Promise<unknown>): Promise<ClientError> {
  const error = await call.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof ClientError)) throw error;
  return error;
}

describe('GetBatch and PutBatch on the wire', () => {
  let peer: Peer;
  let channel: Channel;
  let client: PeerServiceClient;

  async function start(options: { maxBytes?: number; maxObjectBytes?: number } = {}): Promise<void> {
    peer = await Peer.start({ listen: '127.0.0.1:0', chunkBytes: CHUNK, ...options });
    channel = createChannel(peer.address);
    client = createClient(PeerServiceDefinition, channel);
  }

  beforeEach(() => start());

  afterEach(async () => {
    channel.close();
    await peer.close();
  });

  /** PutBatch of `messages`, each one PutBatchRequest. */
  const putBatch = async (...messages: BatchPart[][]): Promise<Key[]> =>
    (
      await client.putBatch(
        (async function* () {
          for (const parts of messages) yield { parts };
        })(),
      )
    ).keys;

  /** Every GetBatchResponse of a GetBatch. */
  async function getBatch(keys: Key[]): Promise<GetBatchResponse[]> {
    const responses: GetBatchResponse[] = [];
    for await (const response of client.getBatch({ keys })) responses.push(response);
    return responses;
  }

  /** The objects a GetBatch answered, checked part by part as a client must. */
  function objectsOf(responses: GetBatchResponse[]): ({ codec: string; sha: string } | undefined)[] {
    const assembler = new BatchAssembler({ maxBytes: 1 << 30, maxObjects: 10_000, allowMissing: true, what: (i) => `object ${i}` });
    for (const r of responses) for (const part of r.parts) assembler.add(part);
    return assembler.finish().map((p) => p && { codec: p.codec, sha: sha256(p.data) });
  }

  /** Nothing was stored, and the peer still serves a batch. */
  async function expectNothingStoredAndServing(): Promise<void> {
    expect(peer.stats()).toMatchObject({ objects: 0, bytes: 0 });
    const [key] = await putBatch([whole(Buffer.from('still serving'))]);
    expect(objectsOf(await getBatch([key!]))).toEqual([{ codec: 'bytes', sha: sha256(Buffer.from('still serving')) }]);
  }

  // Objects put whole and in pieces come back in key order, repeats included, with `missing` for keys without a value.
  it('round-trips whole and multi-piece objects in key order, with repeats and missing keys', async () => {
    const small = Array.from({ length: 5 }, (_, i) => patternBytes(100 * i, `small ${i}`));
    const large = patternBytes(3 * CHUNK + 17, 'large');
    // The large object's pieces straddle two request messages.
    const pieces = inPieces(large, 50_000);
    const keys = await putBatch([...small.map((b, i) => whole(b, `codec${i}`)), ...pieces.slice(0, 3)], pieces.slice(3));
    expect(keys).toHaveLength(6);
    expect(new Set(keys.map((k) => k.id)).size).toBe(6);
    expect(keys.every((k) => k.peer === peer.address && k.incarnation === peer.incarnation)).toBe(true);
    expect(peer.stats()).toMatchObject({ objects: 6, bytes: 1000 + large.byteLength });

    const evicted = keys[1]!;
    await client.evict({ key: evicted });
    const pending = (await client.newKey({})).key!;
    const unknown = { ...keys[0]!, id: 'e'.repeat(32) };
    const responses = await getBatch([keys[5]!, keys[2]!, evicted, keys[2]!, pending, unknown, keys[0]!]);
    expect(objectsOf(responses)).toEqual([
      { codec: 'bytes', sha: sha256(large) },
      { codec: 'codec2', sha: sha256(small[2]!) },
      undefined,
      { codec: 'codec2', sha: sha256(small[2]!) },
      undefined,
      undefined,
      { codec: 'codec0', sha: sha256(small[0]!) },
    ]);
    // The large object travels as a header, pieces of at most chunkBytes and a checksummed trailer.
    const parts = responses.flatMap((r) => r.parts.map((p) => p.part));
    expect(parts.slice(0, 6).map((p) => p?.$case)).toEqual(['header', 'data', 'data', 'data', 'data', 'trailer']);
    expect(parts.slice(1, 5).every((p) => p?.$case === 'data' && p.value.byteLength <= CHUNK)).toBe(true);
    expect(parts[5]).toEqual({ $case: 'trailer', value: { crc32c: crc32c(large) } });
    expect(parts.slice(6).map((p) => p?.$case)).toEqual(['whole', 'missing', 'whole', 'missing', 'missing', 'whole']);
  });

  // 1,000 objects of 4 KiB are answered in a few messages of about 1 MiB, not one per object.
  it('packs small objects into messages of about 1 MiB', async () => {
    const all = patternBytes(1000 * 4 * KiB, 'packed');
    const objects = Array.from({ length: 1000 }, (_, i) => all.subarray(i * 4 * KiB, (i + 1) * 4 * KiB));
    const keys = await putBatch(objects.map((b) => whole(b)));
    const responses = await getBatch(keys);
    expect(responses.length).toBeGreaterThanOrEqual(4);
    expect(responses.length).toBeLessThanOrEqual(5);
    for (const r of responses) expect(r.parts.reduce((sum, p) => sum + (p.part?.$case === 'whole' ? p.part.value.data.byteLength : 0), 0)).toBeLessThanOrEqual(1024 * KiB);
    expect(objectsOf(responses).map((o) => o?.sha)).toEqual(objects.map(sha256));
  });

  // The peer keeps a PutBatch's small objects as views into the message that carried them, and
  // copies them out once evictions leave that message mostly free; the bytes never change.
  it('stores small objects as views into their message until most of it is evicted', async () => {
    const objects = Array.from({ length: 200 }, (_, i) => patternBytes(4 * KiB, `view ${i}`));
    const keys = await putBatch(objects.map((b) => whole(b)));
    const stored = (key: Key): Buffer => peer.state.table.get(peer.state.idOf(key))!.data as Buffer;
    const message = stored(keys[0]!).buffer;
    // One received message of 200 × 4 KiB and its framing: every object is a view into it.
    expect(message.byteLength).toBeGreaterThan(200 * 4 * KiB);
    expect(keys.every((key) => stored(key).buffer === message)).toBe(true);

    for (const key of keys.slice(0, 101)) expect((await client.evict({ key })).evicted).toBe(true);
    for (const key of keys.slice(101)) expect(stored(key).buffer).not.toBe(message);
    expect(peer.stats()).toMatchObject({ objects: 99, bytes: 99 * 4 * KiB });
    expect(objectsOf(await getBatch(keys.slice(101))).map((o) => o?.sha)).toEqual(objects.slice(101).map(sha256));
  });

  // An empty batch is fine both ways.
  it('answers empty batches', async () => {
    expect(await putBatch()).toEqual([]);
    expect(await getBatch([])).toEqual([]);
  });

  describe('GetBatch refusals', () => {
    // More than 10,000 keys is INVALID_ARGUMENT, saying the limit.
    it('refuses more than 10,000 keys', async () => {
      const [key] = await putBatch([whole(Buffer.from('x'))]);
      const error = await failure(getBatch(Array.from({ length: 10_001 }, () => key!)));
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toMatch(/10001 keys; a batch holds at most 10000/);
      expect(error.details).toContain(peer.address);
      expect(objectsOf(await getBatch(Array.from({ length: 10_000 }, () => key!)))).toHaveLength(10_000);
    });

    // A malformed key is INVALID_ARGUMENT and a key of another incarnation DATA_LOSS, naming its position; nothing is sent first.
    it('checks every key before answering', async () => {
      const [good] = await putBatch([whole(Buffer.from('x'))]);
      const malformed = await failure(getBatch([good!, { ...good!, id: 'nope' }]));
      expect(malformed.code).toBe(Status.INVALID_ARGUMENT);
      expect(malformed.details).toMatch(/^Key 1 of the GetBatch: .*id must be 32 lowercase hex digits/);
      expect(malformed.details).toContain(`sent to peer ${peer.address}`);

      const lost = { ...good!, incarnation: '0123456789abcdef' };
      const responses: GetBatchResponse[] = [];
      const error = await failure(
        (async () => {
          for await (const r of client.getBatch({ keys: [good!, good!, lost] })) responses.push(r);
        })(),
      );
      expect(error.code).toBe(Status.DATA_LOSS);
      expect(error.details).toMatch(/^Key 2 of the GetBatch: .*lost: the owner restarted/);
      expect(responses).toEqual([]);
    });
  });

  describe('PutBatch refusals store nothing', () => {
    // Each malformed batch gets INVALID_ARGUMENT naming the object and what was wrong; nothing is stored.
    it.each<[string, () => BatchPart[][], RegExp]>([
      ['a wrong checksum in a later object', () => [[whole(Buffer.from('a')), whole(Buffer.from('b')), whole(Buffer.from('c'), 'bytes', 12345)]], /^Object 2 .*checksum does not match/],
      ['a wrong trailer checksum', () => [[whole(Buffer.from('a')), ...inPieces(patternBytes(1000, 'p'), 300).slice(0, -1), trailer(1)]], /^Object 1 .*checksum does not match/],
      ['a missing part', () => [[whole(Buffer.from('a')), missing]], /^Object 1 .*'missing' part is only meaningful in a GetBatch/],
      ['data before any header', () => [[data(Buffer.from('a'))]], /^Object 0 .*data piece arrived without a header/],
      ['a trailer before any header', () => [[trailer(0)]], /^Object 0 .*trailer arrived without a header/],
      ['more data than the header says', () => [[header(3), data(Buffer.from('abcd'))]], /^Object 0 .*more data arrived than the 3 bytes/],
      ['an object cut short by the next', () => [[header(10), data(Buffer.from('abcd')), whole(Buffer.from('b'))]], /^Object 0 .*ended after 4 of 10 bytes.*truncated/],
      ['an object cut short by the end', () => [[whole(Buffer.from('b')), header(10), data(Buffer.from('abcd'))]], /^Object 1 .*ended after 4 of 10 bytes.*truncated/],
      ['an empty part', () => [[whole(Buffer.from('a')), { part: undefined }]], /^Object 1 .*part is empty/],
      ['a codec tag over 64 bytes', () => [[whole(Buffer.from('a'), 'c'.repeat(65))]], /codec tag of Object 0 .* 1 to 64 bytes.*got 65/],
      ['more than 10,000 objects', () => [Array.from({ length: 10_001 }, () => whole(Buffer.alloc(0)))], /^Object 10000 .*at most 10000 objects/],
    ])('refuses a PutBatch with %s', async (_, messages, why) => {
      const error = await failure(putBatch(...messages()));
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toMatch(why);
      expect(error.details).toContain(`PutBatch to peer ${peer.address} (nothing of the batch was stored)`);
      await expectNothingStoredAndServing();
    });

    // A batch whose total passes maxBytes is refused from its headers with RESOURCE_EXHAUSTED; what was stored stays.
    it('refuses a batch over the byte limit and keeps what was stored', async () => {
      await peer.close();
      channel.close();
      await start({ maxBytes: 10 * KiB, maxObjectBytes: 8 * KiB });
      const [kept] = await putBatch([whole(patternBytes(2 * KiB, 'kept'))]);

      const overTotal = await failure(putBatch(Array.from({ length: 5 }, (_, i) => whole(patternBytes(2 * KiB, `over ${i}`)))));
      expect(overTotal.code).toBe(Status.RESOURCE_EXHAUSTED);
      expect(overTotal.details).toMatch(/^Object 4 .*objects so far add up to 10240 bytes.*cannot take 10240 more bytes: it holds 2048 of its 10240-byte limit/);

      const overObject = await failure(putBatch([whole(Buffer.from('a')), ...inPieces(patternBytes(9 * KiB, 'big'), 4 * KiB)]));
      expect(overObject.code).toBe(Status.RESOURCE_EXHAUSTED);
      expect(overObject.details).toMatch(/^Object 1 .*9216 bytes, over the limit of 8192 bytes/);

      expect(peer.stats()).toMatchObject({ objects: 1, bytes: 2 * KiB });
      expect(objectsOf(await getBatch([kept!]))).toEqual([{ codec: 'bytes', sha: sha256(patternBytes(2 * KiB, 'kept')) }]);
      // Exactly up to the limit is accepted, all at once.
      expect(await putBatch(Array.from({ length: 4 }, (_, i) => whole(patternBytes(2 * KiB, `fits ${i}`))))).toHaveLength(4);
      expect(peer.stats()).toMatchObject({ objects: 5, bytes: 10 * KiB });
    });
  });
});

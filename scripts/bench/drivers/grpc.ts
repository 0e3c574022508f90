/**
 * Bare grpc-js client of the raw service (identity serializers), with proxymesh's own client
 * channel options. `unary` uses Fetch/Store (only for objects that fit one message); `stream`
 * uses the Get/Put streams in 1 MiB pieces, copying received pieces once into the object;
 * `pmwire` gets in proxymesh's own message format (ts-proto) but without nice-grpc (puts as `stream`).
 * @module
 */
import { credentials, makeGenericClientConstructor, type Client } from '@grpc/grpc-js';
import { TRANSFER_CHANNEL_OPTIONS } from '../../../src/mesh/channel-options.js';
import { PIECE_BYTES, RAW_SERVICE, sizeMessage } from '../lib/raw-grpc.js';
import { packKeys, packObjects, unpackKeys, unpackObjects } from '../lib/packed-objects.js';
import { sourceBytes } from '../lib/source.js';
import { crc32c } from '../../../src/mesh/wire/crc32c.js';
import { expectSize, type Driver, type Op } from './driver.js';
import { GetResponse } from '../../../gen/proxymesh/v1/peer.js';

const id = (b: Buffer): Buffer => b;
const { fetch, store, get, put, getPm, putObjects: putObjectsMethod, getObjects: getObjectsMethod } = RAW_SERVICE;

export function unary(client: Client, path: string, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, id, id, request, (error, value) => (error || !value ? reject(error ?? new Error('no response')) : resolve(value)));
  });
}

/**
 * A get over the raw Get stream, copying each piece into the object.
 * @param checked - whether the receiver also computes the CRC-32C of the pieces as they come, the
 *   check proxymesh's contract asks of every receiver; it is compared with `expected` at the end.
 */
export function streamGet(client: Client, size: number, checked?: { expected: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out = Buffer.allocUnsafe(size);
    let filled = 0;
    let crc = 0;
    const call = client.makeServerStreamRequest(get.path, id, id, sizeMessage(size));
    call.on('data', (piece: Buffer) => {
      piece.copy(out, filled);
      filled += piece.byteLength;
      if (checked) crc = crc32c(piece, crc);
    });
    call.on('error', reject);
    call.on('end', () => (checked && crc !== checked.expected ? reject(new Error(`grpc checked get: the CRC-32C does not match`)) : resolve(out.subarray(0, filled))));
  });
}

/** A get in proxymesh's wire format (header, pieces, trailer) over bare grpc-js. */
function pmWireGet(client: Client, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out: Buffer | undefined;
    let filled = 0;
    const call = client.makeServerStreamRequest(getPm.path, id, id, sizeMessage(size));
    call.on('data', (message: Buffer) => {
      const part = GetResponse.decode(message).part;
      if (part?.$case === 'header') out = Buffer.allocUnsafe(Number(part.value.size));
      else if (part?.$case === 'data' && out) {
        out.set(part.value, filled);
        filled += part.value.byteLength;
      }
    });
    call.on('error', reject);
    call.on('end', () => resolve(filled));
  });
}

async function streamPut(client: Client, data: Buffer): Promise<void> {
  let finish: (e: Error | null) => void = () => {};
  const done = new Promise<void>((resolve, reject) => (finish = (e) => (e ? reject(e) : resolve())));
  const call = client.makeClientStreamRequest(put.path, id, id, (error) => finish(error));
  call.write(sizeMessage(data.byteLength));
  for (let offset = 0; offset < data.byteLength; offset += PIECE_BYTES) {
    if (!call.write(data.subarray(offset, Math.min(data.byteLength, offset + PIECE_BYTES)))) {
      await new Promise((resolve) => call.once('drain', resolve));
    }
  }
  call.end();
  await done;
}

/** A PutObjects call: each message goes out before the next is packed, as proxymesh's PutBatch. */
async function putObjects(client: Client, objects: readonly Uint8Array[]): Promise<string[]> {
  let finish: (e: Error | null, keys?: Buffer) => void = () => {};
  const done = new Promise<Buffer>((resolve, reject) => (finish = (e, keys) => (e || !keys ? reject(e ?? new Error('no keys')) : resolve(keys))));
  const call = client.makeClientStreamRequest(putObjectsMethod.path, id, id, (error, keys) => finish(error, keys));
  let first = true;
  for (const message of packObjects(objects)) {
    if (!first) await new Promise(setImmediate);
    first = false;
    if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
  }
  call.end();
  return unpackKeys(await done);
}

/** A GetObjects call: every object's checksum checked, a view kept of each; returns how many came. */
function getObjects(client: Client, keys: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const objects: Buffer[] = [];
    const call = client.makeServerStreamRequest(getObjectsMethod.path, id, id, packKeys(keys));
    call.on('data', (message: Buffer) => {
      try {
        unpackObjects(message, (data) => objects.push(data));
      } catch (error) {
        call.destroy(error as Error);
      }
    });
    call.on('error', reject);
    call.on('end', () => resolve(objects.length));
  });
}

export class GrpcDriver implements Driver {
  readonly #client: Client;

  constructor(
    port: number,
    private readonly mode: 'unary' | 'stream' | 'checked' | 'pmwire',
  ) {
    const Raw = makeGenericClientConstructor(RAW_SERVICE, 'Raw');
    this.#client = new Raw(`127.0.0.1:${port}`, credentials.createInsecure(), TRANSFER_CHANNEL_OPTIONS);
  }

  async prepareGet(size: number): Promise<Op> {
    const request = sizeMessage(size);
    if (this.mode === 'unary') return async () => expectSize('grpc fetch', (await unary(this.#client, fetch.path, request)).byteLength, size);
    if (this.mode === 'pmwire') return async () => expectSize('grpc proxymesh-wire get', await pmWireGet(this.#client, size), size);
    // The expected checksum is computed here, untimed, as a peer's stored one would be.
    const checked = this.mode === 'checked' ? { expected: crc32c(sourceBytes(size)) } : undefined;
    return async () => expectSize('grpc stream get', (await streamGet(this.#client, size, checked)).byteLength, size);
  }

  async preparePut(size: number): Promise<Op> {
    const data = sourceBytes(size);
    if (this.mode === 'unary') return async () => void (await unary(this.#client, store.path, data));
    return () => streamPut(this.#client, data);
  }

  /** Batches in the least a batch RPC does under the contract (stream mode only; lib/packed-objects.ts). */
  async prepareGetBatch(count: number, size: number): Promise<Op> {
    const keys = await putObjects(this.#client, Array.from({ length: count }, () => sourceBytes(size)));
    return async () => expectSize('grpc GetObjects', await getObjects(this.#client, keys), count);
  }

  async preparePutBatch(count: number, size: number): Promise<Op> {
    const objects = Array.from({ length: count }, () => sourceBytes(size));
    return async () => expectSize('grpc PutObjects', (await putObjects(this.#client, objects)).length, count);
  }

  async cleanup(): Promise<void> {}

  async stage(): Promise<unknown> {
    return null;
  }

  async close(): Promise<void> {
    this.#client.close();
  }
}

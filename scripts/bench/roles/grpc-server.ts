/**
 * Bare grpc-js baseline server: the raw service of lib/raw-grpc.ts with proxymesh's own server
 * options, the 16 MiB server HTTP/2 window included (src/mesh/server/server-window.ts).
 * Ready info: `{port}`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerDuplexStream, type ServerReadableStream, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { SERVER_OPTIONS } from '../../../src/mesh/channel-options.js';
import { serve } from '../lib/serve.js';
import { sourceBytes } from '../lib/source.js';
import { PIECE_BYTES, RAW_SERVICE } from '../lib/raw-grpc.js';
import { withServerWindow } from '../../../src/mesh/server/server-window.js';
import { GetResponse } from '../../../gen/proxymesh/v1/peer.js';
import { KEY_CHARS, packKeys, packObjects, unpackKeys, unpackObjects } from '../lib/packed-objects.js';

const EMPTY = Buffer.alloc(0);

type Unary = ServerUnaryCall<Buffer, Buffer>;
type Done = sendUnaryData<Buffer>;

async function writeAll(call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.byteLength; offset += PIECE_BYTES) {
    const ok = call.write(data.subarray(offset, Math.min(data.byteLength, offset + PIECE_BYTES)));
    if (!ok) await new Promise((resolve) => call.once('drain', resolve));
  }
}

/** Objects PutObjects stored, by key: the last 20,000 (a repetition of the batch loop) at most. */
const stored = new Map<string, { data: Buffer; checksum: number }>();
const storedOrder: string[][] = [];
const STORED_MAX = 20_000;

function putObjects(call: ServerReadableStream<Buffer, Buffer>, done: Done): void {
  const objects: { data: Buffer; checksum: number }[] = [];
  call.on('data', (message: Buffer) => {
    try {
      unpackObjects(message, (data, checksum) => objects.push({ data, checksum }));
    } catch (error) {
      call.destroy(error as Error);
    }
  });
  call.on('end', () => {
    const random = randomBytes((KEY_CHARS / 2) * objects.length).toString('hex');
    const keys = objects.map((object, i) => {
      const key = random.slice(KEY_CHARS * i, KEY_CHARS * (i + 1));
      stored.set(key, object);
      return key;
    });
    storedOrder.push(keys);
    while (stored.size > STORED_MAX) for (const key of storedOrder.shift() ?? []) stored.delete(key);
    done(null, packKeys(keys));
  });
}

async function getObjects(call: ServerWritableStream<Buffer, Buffer>): Promise<void> {
  const objects = unpackKeys(call.request).map((key) => stored.get(key));
  if (objects.some((o) => o === undefined)) {
    call.destroy(new Error('GetObjects: a key is not stored'));
    return;
  }
  const found = objects as { data: Buffer; checksum: number }[];
  for (const message of packObjects(found.map((o) => o.data), found.map((o) => o.checksum))) {
    if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
  }
  call.end();
}

const server = new Server(SERVER_OPTIONS);
server.addService(RAW_SERVICE, {
  fetch: (call: Unary, done: Done) => done(null, sourceBytes(call.request.readDoubleLE(0))),
  store: (_call: Unary, done: Done) => done(null, EMPTY),
  get: (call: ServerWritableStream<Buffer, Buffer>) => {
    writeAll(call, sourceBytes(call.request.readDoubleLE(0))).then(
      () => call.end(),
      (e: Error) => call.destroy(e),
    );
  },
  getPm: (call: ServerWritableStream<Buffer, Buffer>) => {
    const data = sourceBytes(call.request.readDoubleLE(0));
    const encode = (m: GetResponse): Buffer => Buffer.from(GetResponse.encode(m).finish());
    call.write(encode({ part: { $case: 'header', value: { codec: 'bytes', size: BigInt(data.byteLength) } } }));
    for (let offset = 0; offset < data.byteLength; offset += PIECE_BYTES) {
      call.write(encode({ part: { $case: 'data', value: data.subarray(offset, Math.min(data.byteLength, offset + PIECE_BYTES)) } }));
    }
    call.write(encode({ part: { $case: 'trailer', value: { crc32c: 0 } } }));
    call.end();
  },
  put: (call: ServerReadableStream<Buffer, Buffer>, done: Done) => {
    let target: Buffer | undefined;
    let filled = 0;
    call.on('data', (m: Buffer) => {
      if (target === undefined) target = Buffer.allocUnsafe(m.readDoubleLE(0));
      else {
        m.copy(target, filled);
        filled += m.byteLength;
      }
    });
    call.on('end', () => (filled === (target?.byteLength ?? -1) ? done(null, EMPTY) : done({ code: status.DATA_LOSS, details: 'short put' })));
  },
  putObjects,
  getObjects: (call: ServerWritableStream<Buffer, Buffer>) => void getObjects(call).catch((e: Error) => call.destroy(e)),
});

await serve({}, () =>
  withServerWindow(
    () =>
      new Promise((resolve, reject) => {
        server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve({ port })));
      }),
  ),
);

/**
 * Bare grpc-js baseline server: the raw service of lib/raw-grpc.ts with proxymesh's own server
 * options, the 16 MiB server HTTP/2 window included (src/mesh/server-window.ts).
 * Ready info: `{port}`.
 * @module
 */
import { Server, ServerCredentials, status, type sendUnaryData, type ServerDuplexStream, type ServerReadableStream, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { SERVER_OPTIONS } from '../../../src/mesh/channel-options.js';
import { serve } from '../lib/serve.js';
import { sourceBytes } from '../lib/source.js';
import { PIECE_BYTES, RAW_SERVICE } from '../lib/raw-grpc.js';
import { withServerWindow } from '../../../src/mesh/server-window.js';
import { GetResponse } from '../../../gen/proxymesh/v1/peer.js';

const EMPTY = Buffer.alloc(0);

type Unary = ServerUnaryCall<Buffer, Buffer>;
type Done = sendUnaryData<Buffer>;

async function writeAll(call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.byteLength; offset += PIECE_BYTES) {
    const ok = call.write(data.subarray(offset, Math.min(data.byteLength, offset + PIECE_BYTES)));
    if (!ok) await new Promise((resolve) => call.once('drain', resolve));
  }
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
});

await serve({}, () =>
  withServerWindow(
    () =>
      new Promise((resolve, reject) => {
        server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve({ port })));
      }),
  ),
);

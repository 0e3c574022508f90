// The workflow group's bare grpc-js baseline, in plain JavaScript so it starts exactly as the
// user processes do (plain node, Node's default flags). The same service as the tuned groups'
// (lib/raw-grpc.ts, roles/grpc-server.ts, drivers/grpc.ts): raw bytes with identity serializers,
// proxymesh's own channel and server options and server window, 1 MiB pieces.
// argv: `server`, or `client <port>` (its channel connects at its first call: a fresh channel).
import { Server, ServerCredentials, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { SERVER_OPTIONS, TRANSFER_CHANNEL_OPTIONS } from '../../../../dist/src/mesh/channel-options.js';
import { withServerWindow } from '../../../../dist/src/mesh/server/server-window.js';
import { serve, sleep, valueOf } from './serve.mjs';

const PIECE_BYTES = 1024 * 1024;
const id = (b) => b;
const method = (name, requestStream, responseStream) => ({ path: `/bench.Raw/${name}`, requestStream, responseStream, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id });
const SERVICE = {
  fetch: method('Fetch', false, false),
  get: method('Get', false, true),
  put: method('Put', true, false),
  // The round trip's shape without the library: the client waits on a server stream, and answers
  // what is pushed on it with a new client-stream call (as a future's Await, then its Set).
  wait: method('Wait', false, true),
  answer: method('Answer', true, false),
};
const sizeMessage = (size) => {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleLE(size, 0);
  return b;
};

// Bytes to send, made once per size: producing them is not part of a transfer.
const made = new Map();
const bytes = (size) => made.get(size) ?? (made.clear(), made.set(size, valueOf(size, 7)).get(size));

// The server side of the shape: the open Wait stream, and who is waiting for the next Answer.
let waiting;
let waitingReady;
let answered;

/** `count` rounds of the shape: after `pauseMs`, push 100 B on the open Wait; timed until the client's Answer arrives. */
async function shapeLoop({ count, pauseMs, size }) {
  const out = [];
  for (let i = 0; i < count; i++) {
    await sleep(pauseMs);
    const call = waiting ?? (await new Promise((resolve) => (waitingReady = resolve)));
    waiting = undefined;
    const t = performance.now();
    const done = new Promise((resolve) => (answered = resolve));
    call.write(valueOf(size, i));
    call.end();
    await done;
    out.push(performance.now() - t);
  }
  return out;
}

function startServer() {
  const server = new Server(SERVER_OPTIONS);
  server.addService(SERVICE, {
    wait: (call) => {
      if (waitingReady) {
        const ready = waitingReady;
        waitingReady = undefined;
        ready(call);
      } else waiting = call;
    },
    answer: (call, done) => {
      call.on('data', () => {});
      call.on('end', () => {
        done(null, Buffer.alloc(0));
        answered?.();
      });
    },
    fetch: (call, done) => done(null, bytes(call.request.readDoubleLE(0))),
    get: (call) => {
      const data = bytes(call.request.readDoubleLE(0));
      void (async () => {
        for (let offset = 0; offset < data.byteLength; offset += PIECE_BYTES) {
          if (!call.write(data.subarray(offset, Math.min(data.byteLength, offset + PIECE_BYTES)))) await new Promise((r) => call.once('drain', r));
        }
        call.end();
      })().catch((e) => call.destroy(e));
    },
    put: (call, done) => {
      let target;
      let filled = 0;
      call.on('data', (m) => {
        if (target === undefined) target = Buffer.allocUnsafe(m.readDoubleLE(0));
        else filled += m.copy(target, filled);
      });
      call.on('end', () => (filled === target?.byteLength ? done(null, Buffer.alloc(0)) : done(new Error('short put'))));
    },
  });
  return withServerWindow(() => new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve({ port })))));
}

function client(port) {
  const Raw = makeGenericClientConstructor(SERVICE, 'Raw');
  const c = new Raw(`127.0.0.1:${port}`, credentials.createInsecure(), TRANSFER_CHANNEL_OPTIONS);
  const unary = (size) => new Promise((resolve, reject) => c.makeUnaryRequest(SERVICE.fetch.path, id, id, sizeMessage(size), (e, v) => (e ? reject(e) : resolve(v))));
  // A get whose receiver assembles the object, as a proxymesh consumer does.
  const streamGet = (size) =>
    new Promise((resolve, reject) => {
      const out = Buffer.allocUnsafe(size);
      let filled = 0;
      const call = c.makeServerStreamRequest(SERVICE.get.path, id, id, sizeMessage(size));
      call.on('data', (piece) => (filled += piece.copy(out, filled)));
      call.on('error', reject);
      call.on('end', () => (filled === size ? resolve(out) : reject(new Error(`got ${filled} of ${size} bytes`))));
    });
  const streamPut = async (data) => {
    let finish;
    const done = new Promise((resolve, reject) => (finish = (e) => (e ? reject(e) : resolve())));
    const call = c.makeClientStreamRequest(SERVICE.put.path, id, id, finish);
    call.write(sizeMessage(data.byteLength));
    for (let offset = 0; offset < data.byteLength; offset += PIECE_BYTES) {
      if (!call.write(data.subarray(offset, Math.min(data.byteLength, offset + PIECE_BYTES)))) await new Promise((r) => call.once('drain', r));
    }
    call.end();
    await done;
  };
  const timed = async (op) => {
    const t = performance.now();
    await op();
    return performance.now() - t;
  };
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  /** The client side of the shape: keeps a Wait open and answers each push with a new Answer call. */
  const answerPushes = () => {
    const call = c.makeServerStreamRequest(SERVICE.wait.path, id, id, sizeMessage(0));
    call.on('data', (m) => {
      const a = c.makeClientStreamRequest(SERVICE.answer.path, id, id, () => {});
      a.write(m);
      a.end();
    });
    call.on('end', answerPushes);
    call.on('error', () => {});
  };
  return {
    shapeAnswer: async () => {
      answerPushes();
      return null;
    },
    // One transfer of `size` bytes: unary for what fits one message (`unary: true`), else the stream.
    get: async ({ size, unary: asUnary }) => {
      const before = maxRss();
      const ms = await timed(async () => {
        const v = asUnary ? await unary(size) : await streamGet(size);
        if (v.byteLength !== size) throw new Error(`got ${v.byteLength} of ${size} bytes`);
      });
      return { ms, maxRssBefore: before, maxRssAfter: maxRss() };
    },
    put: async ({ size }) => {
      const data = bytes(size);
      return { ms: await timed(() => streamPut(data)) };
    },
    // The round trip's baseline: `count` unary echoes, each after `pauseMs` idle, as the future round trip.
    echoLoop: async ({ count, pauseMs, size }) => {
      const out = [];
      for (let i = 0; i < count; i++) {
        await sleep(pauseMs);
        out.push(await timed(() => unary(size)));
      }
      return out;
    },
  };
}

const [mode, port] = process.argv.slice(2);
if (mode === 'server') await serve({ shapeLoop }, startServer);
else await serve(client(Number(port)));

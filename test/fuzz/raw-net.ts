/**
 * Bad input below gRPC: raw bytes on the peer's TCP port (not HTTP/2 at all, or a valid HTTP/2
 * preface followed by garbage or hostile frames), and HTTP/2 requests whose gRPC framing is
 * broken (lying length prefixes, bogus compression, unknown methods, wrong content types).
 * Every connection and request is bounded by a timer: the outcome says whether the peer
 * answered or closed in time.
 */
import { connect as connectTcp } from 'node:net';
import { connect as connectHttp2, constants as h2, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { gzipSync } from 'node:zlib';
import type { Prng } from '../../scripts/lib/prng.js';
import { keyRequest } from './wire.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Frame types of HTTP/2. */
const FRAME = { data: 0, headers: 1, priority: 2, rstStream: 3, settings: 4, pushPromise: 5, ping: 6, goaway: 7, windowUpdate: 8, continuation: 9 } as const;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

/** One HTTP/2 frame; `length` may lie about the payload's size. */
function frame(type: number, flags: number, stream: number, payload: Buffer, length = payload.byteLength): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(length & 0xffffff, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream >>> 0, 5);
  return Buffer.concat([head, payload]);
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** A SETTINGS payload entry. */
const setting = (id: number, value: number): Buffer => Buffer.concat([Buffer.from([id >> 8, id & 0xff]), u32(value)]);

/** An HPACK block of literal headers (never indexed, no Huffman): valid, and easy to corrupt. */
function hpack(headers: readonly [string, string][]): Buffer {
  const literal = (s: string): Buffer => {
    const b = Buffer.from(s, 'latin1');
    if (b.byteLength > 126) throw new Error('hpack() writes short strings only');
    return Buffer.concat([Buffer.from([b.byteLength]), b]);
  };
  return Buffer.concat(headers.map(([name, value]) => Buffer.concat([Buffer.from([0x10]), literal(name), literal(value)])));
}

const grpcHeaders = (path: string): [string, string][] => [
  [':method', 'POST'],
  [':scheme', 'http'],
  [':path', path],
  [':authority', 'fuzz'],
  ['content-type', 'application/grpc'],
  ['te', 'trailers'],
];

/** Hostile or malformed frame sequences after a valid preface. */
const BAD_FRAMES: readonly [string, (rng: Prng) => Buffer[]][] = [
  ['DATA on stream 0', (rng) => [frame(FRAME.data, 0, 0, rng.bytes(16))]],
  ['HEADERS with a garbage HPACK block', (rng) => [frame(FRAME.headers, END_HEADERS, 1, rng.bytes(rng.int(1, 200)))]],
  ['HEADERS on an even stream', () => [frame(FRAME.headers, END_HEADERS, 2, hpack(grpcHeaders('/proxymesh.v1.PeerService/Stats')))]],
  ['CONTINUATION without HEADERS', (rng) => [frame(FRAME.continuation, END_HEADERS, 1, rng.bytes(20))]],
  ['HEADERS then DATA before CONTINUATION', (rng) => [frame(FRAME.headers, 0, 1, hpack(grpcHeaders('/proxymesh.v1.PeerService/Stats'))), frame(FRAME.data, 0, 1, rng.bytes(10))]],
  ['SETTINGS of a length not a multiple of 6', () => [frame(FRAME.settings, 0, 0, Buffer.alloc(7))]],
  ['SETTINGS with out-of-range values', () => [frame(FRAME.settings, 0, 0, Buffer.concat([setting(2, 2), setting(4, 2 ** 31), setting(5, 1)]))]],
  ['SETTINGS on a stream', () => [frame(FRAME.settings, 0, 1, Buffer.alloc(0))]],
  ['WINDOW_UPDATE of zero', () => [frame(FRAME.windowUpdate, 0, 0, u32(0))]],
  ['WINDOW_UPDATE overflowing the window', () => [frame(FRAME.windowUpdate, 0, 0, u32(2 ** 31 - 1)), frame(FRAME.windowUpdate, 0, 0, u32(2 ** 31 - 1))]],
  ['PING of the wrong length', () => [frame(FRAME.ping, 0, 0, Buffer.alloc(7))]],
  ['a frame over the maximum frame size', (rng) => [frame(FRAME.data, 0, 1, rng.bytes(100), 2 ** 24 - 1)]],
  ['RST_STREAM on an idle stream', () => [frame(FRAME.rstStream, 0, 5, u32(8))]],
  ['PRIORITY depending on itself', () => [frame(FRAME.priority, 0, 3, Buffer.concat([u32(3), Buffer.from([16])]))]],
  ['PUSH_PROMISE from a client', (rng) => [frame(FRAME.pushPromise, END_HEADERS, 1, Buffer.concat([u32(2), rng.bytes(10)]))]],
  ['GOAWAY, then more frames', (rng) => [frame(FRAME.goaway, 0, 0, Buffer.concat([u32(0), u32(0)])), frame(FRAME.headers, END_HEADERS, 1, rng.bytes(30))]],
  ['a PING flood', () => Array.from({ length: 2000 }, (_, i) => frame(FRAME.ping, 0, 0, Buffer.concat([u32(0), u32(i)])))],
  ['a SETTINGS flood', () => Array.from({ length: 2000 }, () => frame(FRAME.settings, 0, 0, setting(4, 65535)))],
  [
    'rapid reset: streams opened and cancelled at once',
    () =>
      Array.from({ length: 1000 }, (_, i) => [
        frame(FRAME.headers, END_HEADERS, 2 * i + 1, hpack(grpcHeaders('/proxymesh.v1.PeerService/Stats'))),
        frame(FRAME.rstStream, 0, 2 * i + 1, u32(8)),
      ]).flat(),
  ],
  [
    'a gRPC message with a lying length prefix, then end of stream',
    (rng) => [
      frame(FRAME.headers, END_HEADERS, 1, hpack(grpcHeaders('/proxymesh.v1.PeerService/Get'))),
      frame(FRAME.data, END_STREAM, 1, Buffer.concat([Buffer.from([0]), u32(rng.int(100, 2 ** 32 - 1)), rng.bytes(20)])),
    ],
  ],
];

/** The bytes of one garbage connection, and what it is. */
export function garbageConnection(rng: Prng): { kind: string; chunks: Buffer[] } {
  const settings = frame(FRAME.settings, 0, 0, Buffer.alloc(0));
  switch (rng.int(0, 5)) {
    case 0:
      return { kind: 'random bytes', chunks: [rng.bytes(rng.int(1, 4096))] };
    case 1:
      return {
        kind: 'not HTTP/2',
        chunks: [
          Buffer.from(
            rng.pick(['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'POST /proxymesh.v1.PeerService/Get HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', 'PRI * HTTP/1.1\r\n\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03']),
            'latin1',
          ),
        ],
      };
    case 2: {
      // At least a whole frame header, and not a SETTINGS one: the first frame after the preface
      // must be SETTINGS, so the peer can refuse at once. Fewer than 9 bytes, or a plausible
      // SETTINGS header, is a frame still arriving, which a server rightly waits for.
      const bytes = rng.bytes(rng.int(9, 4096));
      if (bytes[3] === FRAME.settings) bytes[3] = FRAME.data;
      return { kind: 'preface, then random bytes', chunks: [PREFACE, bytes] };
    }
    case 3: {
      // Frames with valid 9-byte headers and random types, flags, streams and payloads.
      const frames = Array.from({ length: rng.int(1, 30) }, () => {
        const payload = rng.bytes(rng.int(0, 300));
        const type = rng.chance(0.8) ? rng.int(0, 9) : rng.int(10, 255);
        const stream = rng.pick([0, 1, 3, rng.int(0, 2 ** 31 - 1)]);
        return frame(type, rng.int(0, 255), stream, payload, rng.chance(0.1) ? rng.int(0, 2 ** 24 - 1) : payload.byteLength);
      });
      return { kind: 'preface, then random frames', chunks: [PREFACE, settings, ...frames] };
    }
    default: {
      const [name, make] = rng.pick(BAD_FRAMES);
      return { kind: `preface, then ${name}`, chunks: [PREFACE, settings, ...make(rng)] };
    }
  }
}

/** How a raw connection ended: the peer closed it, refused it with a GOAWAY frame, or left it open until the timer. */
export interface ConnectionOutcome {
  readonly kind: string;
  readonly ending: 'closed' | 'goaway' | 'open';
  /** This side half-closed the connection after sending. */
  readonly halfClosed: boolean;
  readonly bytesSent: number;
}

/** Whether the bytes a peer sent (HTTP/2 frames from the start) contain a GOAWAY frame. */
function hasGoaway(received: Buffer): boolean {
  for (let at = 0; at + 9 <= received.byteLength; at += 9 + received.readUIntBE(at, 3)) {
    if (received[at + 3] === FRAME.goaway) return true;
  }
  return false;
}

/**
 * Opens a TCP connection, sends the chunks, half-closes it or not, and waits at most `waitMs`
 * for the peer to close the connection or refuse it with a GOAWAY frame.
 */
export function sendGarbage(address: string, kind: string, chunks: readonly Buffer[], halfClosed: boolean, waitMs: number): Promise<ConnectionOutcome> {
  const colon = address.lastIndexOf(':');
  const bytesSent = chunks.reduce((n, c) => n + c.byteLength, 0);
  return new Promise((resolve) => {
    const socket = connectTcp({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
    let ending: ConnectionOutcome['ending'] = 'open';
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (ending === 'open' && hasGoaway(received)) {
        ending = 'goaway';
        socket.destroy();
      }
    });
    socket.on('end', () => {
      if (ending === 'open') ending = 'closed';
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ kind, ending, halfClosed, bytesSent });
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (halfClosed) socket.end();
    });
  });
}

/** How one HTTP/2 request with broken gRPC framing ended. */
export interface RequestOutcome {
  readonly kind: string;
  readonly httpStatus?: number | undefined;
  readonly grpcStatus?: number | undefined;
  readonly grpcMessage?: string | undefined;
  /** The peer reset the stream with this code. */
  readonly rstCode?: number | undefined;
  /** Neither an answer nor a reset came before the timer. */
  readonly timedOut: boolean;
}

/** A length-prefixed gRPC message with the given compressed flag and claimed length. */
const grpcFrame = (body: Buffer, compressed = 0, length = body.byteLength): Buffer => Buffer.concat([Buffer.from([compressed]), u32(length), body]);

// NewKey is left out: a request it accepts would register a key this side cannot evict.
const PATHS = ['Put', 'Get', 'Exists', 'Evict', 'Set', 'Await', 'Stats'].map((m) => `/proxymesh.v1.PeerService/${m}`);

/** A request with broken gRPC framing: headers and body. */
export function brokenRequest(rng: Prng): { kind: string; headers: OutgoingHttpHeaders; body: Buffer } {
  const base = { ':method': 'POST', ':path': rng.pick(PATHS), 'content-type': 'application/grpc', te: 'trailers' };
  const cases: (() => { kind: string; headers: OutgoingHttpHeaders; body: Buffer })[] = [
    () => ({ kind: 'a body that is not length-prefixed', headers: base, body: rng.bytes(rng.int(1, 2000)) }),
    () => ({ kind: 'a length prefix longer than the body', headers: base, body: grpcFrame(rng.bytes(10), 0, rng.int(11, 4096)) }),
    () => ({ kind: 'a 4 GiB length prefix', headers: base, body: grpcFrame(rng.bytes(10), 0, 2 ** 32 - 1) }),
    () => ({ kind: 'a compressed flag without an encoding', headers: base, body: grpcFrame(rng.bytes(20), 1) }),
    () => ({ kind: 'a compressed flag of 7', headers: base, body: grpcFrame(rng.bytes(20), 7) }),
    () => ({ kind: 'gzip that is not gzip', headers: { ...base, 'grpc-encoding': 'gzip' }, body: grpcFrame(rng.bytes(50), 1) }),
    () => ({ kind: 'a gzip bomb (64 MiB of zeros)', headers: { ...base, 'grpc-encoding': 'gzip' }, body: grpcFrame(GZIP_BOMB, 1) }),
    () => ({ kind: 'an unknown encoding', headers: { ...base, 'grpc-encoding': 'br' }, body: grpcFrame(rng.bytes(20), 1) }),
    () => ({ kind: 'an unknown method', headers: { ...base, ':path': '/proxymesh.v1.PeerService/Nope' }, body: grpcFrame(Buffer.alloc(0)) }),
    () => ({ kind: 'an unknown service', headers: { ...base, ':path': `/${rng.hex(8)}.Svc/${rng.hex(4)}` }, body: grpcFrame(Buffer.alloc(0)) }),
    () => ({ kind: 'a wrong content type', headers: { ...base, 'content-type': rng.pick(['text/plain', 'application/json', 'application/grpc-web']) }, body: grpcFrame(Buffer.alloc(0)) }),
    () => ({ kind: 'a malformed grpc-timeout', headers: { ...base, 'grpc-timeout': rng.pick(['banana', '999999999H', '-1S', '1x']) }, body: grpcFrame(Buffer.alloc(0)) }),
    () => ({ kind: 'two messages to a unary method', headers: { ...base, ':path': PATHS[2] ?? '' }, body: Buffer.concat([grpcFrame(keyRequest(undefined)), grpcFrame(keyRequest(undefined))]) }),
    () => ({ kind: 'no message to a unary method', headers: { ...base, ':path': rng.pick([PATHS[2] ?? '', PATHS[6] ?? '']) }, body: Buffer.alloc(0) }),
    () => ({ kind: 'a large metadata value', headers: { ...base, 'x-fuzz': 'm'.repeat(rng.int(1000, 12_000)) }, body: grpcFrame(Buffer.alloc(0)) }),
  ];
  return rng.pick(cases)();
}

const GZIP_BOMB = gzipSync(Buffer.alloc(64 * 1024 * 1024));

/** Sends one request on an HTTP/2 session; resolves when it is answered or reset, or after `waitMs`. */
export function sendRequest(session: ClientHttp2Session, kind: string, headers: OutgoingHttpHeaders, body: Buffer, waitMs: number): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let httpStatus: number | undefined;
    let grpcStatus: number | undefined;
    let grpcMessage: string | undefined;
    const take = (h: Record<string, unknown>): void => {
      if (typeof h[':status'] === 'number') httpStatus = h[':status'];
      if (h['grpc-status'] !== undefined) grpcStatus = Number(h['grpc-status']);
      if (typeof h['grpc-message'] === 'string') grpcMessage = decodeURIComponent(h['grpc-message']);
    };
    let stream;
    try {
      stream = session.request(headers, { endStream: false });
    } catch {
      resolve({ kind, timedOut: false, rstCode: h2.NGHTTP2_REFUSED_STREAM });
      return;
    }
    const timer = setTimeout(() => {
      resolve({ kind, httpStatus, grpcStatus, grpcMessage, timedOut: true });
      stream.close(h2.NGHTTP2_CANCEL);
    }, waitMs);
    stream.on('response', take);
    stream.on('trailers', take);
    stream.on('error', () => undefined);
    stream.on('data', () => undefined);
    stream.on('close', () => {
      clearTimeout(timer);
      const reset = stream.rstCode !== h2.NGHTTP2_NO_ERROR ? stream.rstCode : undefined;
      resolve({ kind, httpStatus, grpcStatus, grpcMessage, rstCode: reset, timedOut: false });
    });
    stream.end(body);
  });
}

/** An HTTP/2 session to the peer, for `sendRequest`. */
export function openSession(address: string): ClientHttp2Session {
  const session = connectHttp2(`http://${address}`);
  session.on('error', () => undefined);
  return session;
}

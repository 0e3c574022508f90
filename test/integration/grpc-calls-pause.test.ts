/**
 * A server stream paused by its receiver (grpc-calls.ts `pause`): while the promise is pending no
 * message is handed over, even those already on the connection; once it resolves the rest arrive.
 * A raw grpc-js server and client on loopback, identity serializers.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Client, Metadata, Server, ServerCredentials, credentials, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { serverStream, unary, type Method } from '../../src/mesh/client/grpc-calls.js';

const identity = (b: Buffer): Buffer => b;
const method = (name: string, responseStream: boolean) => ({ path: `/test.Pause/${name}`, requestStream: false, responseStream, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity });
const STREAM: Method<Buffer, Buffer> = { path: '/test.Pause/Stream', serialize: identity, deserialize: identity };
const PING: Method<Buffer, Buffer> = { path: '/test.Pause/Ping', serialize: identity, deserialize: identity };
const settings = { metadata: new Metadata(), signal: undefined };

let server: Server;
let client: Client;
let ended: Promise<void>;
beforeEach(async () => {
  server = new Server();
  let streamEnded = (): void => {};
  ended = new Promise((resolve) => (streamEnded = resolve));
  server.addService(
    { stream: method('Stream', true), ping: method('Ping', false) },
    {
      stream: (call: ServerWritableStream<Buffer, Buffer>) => {
        for (const text of ['one', 'two', 'three']) call.write(Buffer.from(text));
        call.end();
        streamEnded();
      },
      ping: (_call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => done(null, Buffer.from('pong')),
    },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
});
afterEach(() => {
  client.close();
  server.forceShutdown();
});

it('hands over no message while paused, and the rest once resumed', async () => {
  const received: string[] = [];
  let resume = (): void => {};
  const paused = new Promise<void>((resolve) => (resume = resolve));
  const done = serverStream(client, STREAM, Buffer.alloc(0), settings, (message) => (received.push(message.toString()), false), () => (received.length === 1 ? paused : undefined));
  await ended;
  // A call made after the stream ended answers behind the stream's frames on the same connection.
  expect((await unary(client, PING, Buffer.alloc(0), settings)).toString()).toBe('pong');
  expect(received).toEqual(['one']);
  resume();
  await done;
  expect(received).toEqual(['one', 'two', 'three']);
});

/**
 * Raw TCP baseline server: the physical ceiling for two Node processes on this machine.
 * Ready info: `{port}`.
 * @module
 */
import { createServer, type Socket } from 'node:net';
import { serve } from '../lib/serve.js';
import { sourceBytes } from '../lib/source.js';
import { HEADER_BYTES, OP_GET, Reader } from '../lib/tcp-frame.js';

const ACK = Buffer.from([1]);

async function session(socket: Socket): Promise<void> {
  socket.setNoDelay(true);
  const reader = new Reader();
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  const closed = new Promise<null>((resolve) => socket.once('close', () => resolve(null)));
  socket.on('error', () => {});
  for (;;) {
    const head = await Promise.race([reader.read(HEADER_BYTES), closed]);
    if (head === null) return;
    const size = head.readDoubleLE(1);
    if (head[0] === OP_GET) {
      socket.write(sourceBytes(size));
    } else {
      if ((await Promise.race([reader.read(size), closed])) === null) return;
      socket.write(ACK);
    }
  }
}

const server = createServer((socket) => void session(socket));

await serve({}, () =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0 });
    });
  }),
);

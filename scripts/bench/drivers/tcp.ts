/**
 * Raw TCP client: one connection per worker, requests framed by lib/tcp-frame.ts, received
 * bytes copied once into a fresh buffer per get (what any consumer pays).
 * @module
 */
import { connect, type Socket } from 'node:net';
import { sourceBytes } from '../lib/source.js';
import { header, OP_GET, OP_PUT, Reader } from '../lib/tcp-frame.js';
import { expectSize, type Driver, type Op } from './driver.js';

interface Conn {
  readonly socket: Socket;
  readonly reader: Reader;
}

function open(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve({ socket, reader }));
    const reader = new Reader();
    socket.on('data', (c: Buffer) => reader.push(c));
    socket.once('error', reject);
  });
}

export class TcpDriver implements Driver {
  readonly #conns: Conn[] = [];

  constructor(private readonly port: number) {}

  async #ensure(n: number): Promise<void> {
    while (this.#conns.length < n) this.#conns.push(await open(this.port));
  }

  #conn(worker: number): Conn {
    return this.#conns[worker] as Conn;
  }

  async prepareGet(size: number, concurrency: number): Promise<Op> {
    await this.#ensure(concurrency);
    return async (w) => {
      const c = this.#conn(w);
      c.socket.write(header(OP_GET, size));
      const out = await c.reader.read(size, Buffer.allocUnsafe(size));
      expectSize('tcp get', out.byteLength, size);
    };
  }

  async preparePut(size: number, concurrency: number): Promise<Op> {
    await this.#ensure(concurrency);
    const data = sourceBytes(size);
    return async (w) => {
      const c = this.#conn(w);
      c.socket.write(header(OP_PUT, size));
      c.socket.write(data);
      await c.reader.read(1);
    };
  }

  async cleanup(): Promise<void> {}

  async stage(): Promise<unknown> {
    return null;
  }

  async close(): Promise<void> {
    for (const c of this.#conns) c.socket.destroy();
  }
}

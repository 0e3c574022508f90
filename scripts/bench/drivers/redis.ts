/**
 * Redis through ioredis (one connection, which pipelines concurrent commands): GET/SET of
 * binary values, and MGET/MSET for batches.
 * @module
 */
import { Redis } from 'ioredis';
import { sourceBytes } from '../lib/source.js';
import { expectSize, type Driver, type Op } from './driver.js';

export class RedisDriver implements Driver {
  readonly #redis: Redis;

  constructor(port: number) {
    this.#redis = new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  async prepareGet(size: number): Promise<Op> {
    const key = `obj:${size}`;
    await this.#redis.set(key, sourceBytes(size));
    return async () => expectSize('redis get', (await this.#redis.getBuffer(key))?.byteLength, size);
  }

  async preparePut(size: number): Promise<Op> {
    const data = sourceBytes(size);
    return async (w) => void (await this.#redis.set(`put:${w}`, data));
  }

  async cleanup(): Promise<void> {
    await this.#redis.flushall();
  }

  async prepareGetBatch(count: number, size: number): Promise<Op> {
    const keys = Array.from({ length: count }, (_, i) => `batch:${i}`);
    await this.#redis.mset(new Map(keys.map((k) => [k, sourceBytes(size)])));
    return async () => {
      const values = await this.#redis.mgetBuffer(...keys);
      expectSize('redis mget', values.filter((v) => v?.byteLength === size).length, count);
    };
  }

  async preparePutBatch(count: number, size: number): Promise<Op> {
    const data = sourceBytes(size);
    const args = Array.from({ length: count }, (_, i) => [`mset:${i}`, data] as const).flat();
    return async () => void (await this.#redis.mset(...args));
  }

  async stage(size: number): Promise<unknown> {
    await this.#redis.set(`obj:${size}`, sourceBytes(size));
    return `obj:${size}`;
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}

/**
 * proxymesh through its public API: a `MeshConnector` attached to the peer process, so gets
 * and puts cross the process boundary over gRPC exactly as a user's would.
 * @module
 */
import { MeshConnector, type MeshKey } from '../../../src/index.js';
import { sourceBytes } from '../lib/source.js';
import { expectSize, type Driver, type Op } from './driver.js';

const bytes = (data: Uint8Array): { codec: string; data: Uint8Array } => ({ codec: 'bytes', data });

export class MeshDriver implements Driver {
  readonly #mesh: MeshConnector;
  #stored: MeshKey[] = [];

  constructor(peer: string, chunkBytes?: number) {
    this.#mesh = new MeshConnector({ peer, chunkBytes });
  }

  async prepareGet(size: number): Promise<Op> {
    const key = await this.#mesh.put(bytes(sourceBytes(size)));
    this.#stored.push(key);
    return async () => expectSize('mesh get', (await this.#mesh.get(key))?.data.byteLength, size);
  }

  async preparePut(size: number): Promise<Op> {
    const payload = bytes(sourceBytes(size));
    return async () => void this.#stored.push(await this.#mesh.put(payload));
  }

  async cleanup(): Promise<void> {
    const keys = this.#stored;
    this.#stored = [];
    for (let i = 0; i < keys.length; i += 256) await Promise.all(keys.slice(i, i + 256).map((k) => this.#mesh.evict(k)));
  }

  async prepareGetBatch(count: number, size: number): Promise<Op> {
    const keys = await this.#mesh.putBatch(Array.from({ length: count }, () => bytes(sourceBytes(size))));
    this.#stored.push(...keys);
    return async () => {
      const values = await this.#mesh.getBatch(keys);
      expectSize('mesh getBatch', values.filter((v) => v?.data.byteLength === size).length, count);
    };
  }

  async preparePutBatch(count: number, size: number): Promise<Op> {
    const payloads = Array.from({ length: count }, () => bytes(sourceBytes(size)));
    return async () => void this.#stored.push(...(await this.#mesh.putBatch(payloads)));
  }

  async stage(size: number): Promise<unknown> {
    const key = await this.#mesh.put(bytes(sourceBytes(size)));
    this.#stored.push(key);
    return key;
  }

  async close(): Promise<void> {
    await this.cleanup();
    await this.#mesh.close();
  }
}

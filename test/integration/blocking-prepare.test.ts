/**
 * The blocking bridge starts when a future's proxy arrives, not at its first use: the proxy of
 * a value still to be produced is used later, and the worker's start (which loads the
 * connector's client in its own isolate) then overlaps the consumer's own work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connectors/local.js';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { reviver } from '../../src/store/reviver.js';
import { bridgeRunning } from '../../src/store/blocking.js';
import { Store } from '../../src/store/store.js';

describe('bridge started early', () => {
  let mesh: Store;
  let local: Store;

  beforeAll(() => {
    // The owner's peer runs on its worker thread: this thread blocks at the proxy's first use.
    mesh = new Store('prepare-mesh', new MeshConnector(), { register: false });
    local = new Store('prepare-local', new LocalConnector(), { register: false });
  });
  afterAll(async () => {
    await mesh.close();
    await local.close();
  });

  // Runs first: nothing in this file has started the bridge yet.
  it('is not started by a plain proxy, nor by a future of in-process memory', async () => {
    JSON.parse(JSON.stringify(await mesh.proxy({ a: 1 })), reviver);
    JSON.parse(JSON.stringify((await local.future<number[]>()).proxy()), reviver);
    expect(bridgeRunning()).toBe(false);
  });

  it('starts when a future’s proxy is revived, and serves its first synchronous use', async () => {
    const future = await mesh.future<number[]>({ shape: 'array' });
    const proxy = JSON.parse(JSON.stringify(future.proxy()), reviver) as number[];
    expect(bridgeRunning()).toBe(true);
    await future.setResult([4, 5, 6]);
    expect(proxy.length).toBe(3);
    expect([...proxy]).toEqual([4, 5, 6]);
  });
});

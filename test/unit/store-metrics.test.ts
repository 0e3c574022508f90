import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnector } from '../../src/connectors/local.js';
import { isAwaitable, isDeferrable } from '../../src/core/connector-guards.js';
import type { Connector } from '../../src/core/protocol.js';
import { Meter, meterConnector } from '../../src/store/metered.js';
import { StoreMetrics } from '../../src/store/metrics.js';
import { Store } from '../../src/store/store.js';

let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('store metrics', () => {
  // Without metrics: true there is no metrics object, and nothing is measured.
  it('are off by default', () => {
    store = new Store('plain', new LocalConnector());
    expect(store.metrics).toBeUndefined();
  });

  // put and get are timed per key along with their serialise/connector/deserialise parts, and sizes are kept.
  it('time each operation and its parts per key, with the object size', async () => {
    store = new Store('measured', new LocalConnector(), { metrics: true, cacheSize: 0 });
    const key = await store.put('hello');
    await store.get(key);
    await store.get(key);
    await store.exists(key);
    const m = store.metrics!.getMetrics(key);
    expect(Object.keys(m.times).sort()).toEqual(['exists', 'exists.connector', 'get', 'get.connector', 'get.deserialize', 'put', 'put.connector', 'put.serialize']);
    expect(m.times['get']?.count).toBe(2);
    expect(m.times['put.serialize']?.count).toBe(1);
    const put = m.times['put']!;
    expect(put.minMs).toBeLessThanOrEqual(put.avgMs);
    expect(put.avgMs).toBeLessThanOrEqual(put.maxMs);
    expect(put.lastMs).toBe(put.totalMs);
    expect(m.attributes).toEqual({ objectSize: 5 });
  });

  // Batches are counted in the aggregate only, never charged whole to one key.
  it('record batches in the aggregate only', async () => {
    store = new Store('batches', new LocalConnector(), { metrics: true });
    const keys = await store.putBatch([1, 2, 3]);
    await store.getBatch(keys);
    const all = store.metrics!.aggregateTimes();
    expect(all['putBatch']?.count).toBe(1);
    expect(all['putBatch.serialize']?.count).toBe(3);
    expect(all['getBatch.connector']?.count).toBe(1);
    expect(store.metrics!.getMetrics(keys[0]!).times).toEqual({ 'getBatch.deserialize': expect.any(Object) as unknown });
  });

  // Proxies and futures are measured too: a proxy's put is charged to its key, a future to its key.
  it('measure proxies and futures', async () => {
    store = new Store('futures', new LocalConnector(), { metrics: true });
    await store.proxy({ a: 1 });
    const future = await store.future();
    await future.setResult('done');
    await future.result();
    const all = store.metrics!.aggregateTimes();
    expect(all['proxy']?.count).toBe(1);
    expect(all['proxy.serialize']).toBeUndefined(); // the put inside the proxy has its own span
    expect(all['put']?.count).toBe(1);
    const m = store.metrics!.getMetrics(future.key);
    expect(Object.keys(m.times)).toEqual(expect.arrayContaining(['future', 'newKey', 'set', 'set.serialize', 'set.connector', 'waitFor', 'waitFor.connector']));
  });

  // reset() forgets everything.
  it('can be reset', async () => {
    store = new Store('reset', new LocalConnector(), { metrics: true });
    await store.put('x');
    store.metrics!.reset();
    expect(store.metrics!.aggregateTimes()).toEqual({});
  });

  // The measured view of a connector has the optional capabilities the store calls through it
  // exactly when the connector has them: a plain connector does not turn deferrable.
  it('measure a connector through a view with exactly its capabilities', async () => {
    const local = new LocalConnector();
    const measured = meterConnector(local, new Meter(new StoreMetrics()));
    expect(isDeferrable(measured) && isAwaitable(measured)).toBe(true);
    const bare: Connector = { kind: 'bare', put: local.put.bind(local), putBatch: local.putBatch.bind(local), get: local.get.bind(local), getBatch: local.getBatch.bind(local), exists: local.exists.bind(local), evict: local.evict.bind(local), config: () => local.config(), close: () => local.close(), [Symbol.asyncDispose]: () => local.close() };
    const view = meterConnector(bare, new Meter(new StoreMetrics()));
    expect(isDeferrable(view) || isAwaitable(view)).toBe(false);
    await local.close();
  });
});

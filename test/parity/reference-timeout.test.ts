/**
 * A reference carries its own limits: a future made with `resolveTimeoutMs` travels with
 * `timeoutMs`, so a consumer of a producer that died ends with `DeadlineExceededError` on every
 * path (its proxy's `await resolve`, its proxy's blocking first use, `result()`) instead of
 * waiting forever; and polling options travel with it for connectors that poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadlineExceededError, LocalConnector, MeshConnector, Store, getFactory, getReference, reviver, type Future } from '../../src/index.js';
import { StoreFactory } from '../../src/store/store-factory.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';

type Failure = { name: string; cause?: string; message: string };

describe('a future whose producer died', () => {
  let consumer: ChildNode;
  let store: Store;
  beforeAll(async () => {
    consumer = spawnNode('proxy-node');
    store = new Store('reference-timeout', new MeshConnector());
    await consumer.ready;
  }, 60_000);
  afterAll(async () => {
    await consumer?.kill();
    await store?.close();
  });

  // The producer gets the future and dies without setting it; the consumer's three ways of
  // waiting each end with the deadline the reference carries.
  it('ends every wait of a consumer elsewhere with DeadlineExceededError', async () => {
    const future = await store.future<number[]>({ resolveTimeoutMs: 300 });
    const producer = spawnNode('proxy-node');
    await producer.ready;
    await producer.kill();
    const proxyText = JSON.stringify([future.proxy()]);
    expect(JSON.parse(proxyText)).toMatchObject([{ timeoutMs: 300 }]);
    const [awaited] = await consumer.call<{ error: Failure }[]>('resolve', { text: proxyText });
    const [used] = await consumer.call<{ error: Failure }[]>('use', { text: proxyText });
    const result = await consumer.call<Failure>('result', { text: JSON.stringify(future) });
    expect(awaited?.error).toMatchObject({ name: 'ProxyResolveError', cause: 'DeadlineExceededError' });
    expect(used?.error).toMatchObject({ name: 'ProxyResolveError', cause: 'DeadlineExceededError' });
    expect(result).toMatchObject({ name: 'DeadlineExceededError' });
    expect(result.message).toContain('300 ms');
    expect(await future.done()).toBe(false);
  });

  // In the process that made it too, and a per-call timeout still overrides the future's.
  it('bounds result() here as well', async () => {
    const future = await store.future({ resolveTimeoutMs: 100 });
    await expect(future.result()).rejects.toBeInstanceOf(DeadlineExceededError);
    const controller = new AbortController();
    const waiting = future.result({ timeoutMs: 60_000, signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
  });
});

describe('polling options in references', () => {
  // The reviver keeps them, for the future and for its proxy (the JSON ones; a custom sleep stays home).
  it('travel with a future and its proxy', async () => {
    await using store = new Store('reference-polling', new LocalConnector());
    const polling = { initialMs: 5, factor: 1.5, maxMs: 50 };
    const future = await store.future({ polling: { ...polling, sleep: () => Promise.resolve() }, resolveTimeoutMs: 1000 });
    const revived = JSON.parse(JSON.stringify(future), reviver) as Future;
    expect(revived.toJSON()).toMatchObject({ polling, timeoutMs: 1000 });
    const proxy = JSON.parse(JSON.stringify(future.proxy()), reviver) as unknown;
    expect(getReference(proxy).polling).toEqual(polling);
    const factory = getFactory(proxy);
    expect(factory).toBeInstanceOf(StoreFactory);
    expect((factory as StoreFactory).polling).toEqual(polling);
  });

  // Malformed limits are refused by the reviver, naming the field.
  it('are checked when revived', () => {
    const base = { $proxymesh: 'proxy', key: { id: 'a'.repeat(32) }, store: { name: 's', connector: { kind: 'local', space: 'x' } }, evict: false, shape: 'object' };
    const revive = (extra: object) => (): unknown => JSON.parse(JSON.stringify({ ...base, ...extra }), reviver);
    expect(revive({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(revive({ polling: { every: 1 } })).toThrow(/polling.every/);
    expect(revive({ deserializer: 7 })).toThrow(/deserializer/);
  });
});

/**
 * The seed's example, for real: a client makes a future over the mesh; a producer (foo) and a
 * consumer (bar) in two other processes share it. bar works independently and blocks only at
 * its first use of the proxy; foo sets the result later; bar gets it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeshConnector, PermissionDeniedError, Store, isResolved, type Future, type MeshKey } from '../../src/index.js';
import { spawnEvents, type EventChild } from '../helpers/events.js';
import { waitFor } from '../helpers/wait-for.js';

const EXPECTED_SUM = (1000 * 1001) / 2;

describe('futures across processes (the seed example)', () => {
  let store: Store;
  let future: Future<number[]>;
  const children: EventChild[] = [];
  const spawn = (fixture: string, arg: unknown): EventChild => {
    const child = spawnEvents(fixture, [JSON.stringify(arg)]);
    children.push(child);
    return child;
  };
  // The consumer is blocked on the future's value once the owner (this process's peer) holds its
  // wait: the event that proves the title, since "using-proxy" is sent just before blocking.
  const ownerHasWaiter = (): Promise<void> =>
    waitFor(async () => (await (store.connector as MeshConnector).stats()).waiters > 0, "the owner holds the consumer's wait");

  beforeEach(async () => {
    store = new Store('seed-futures', new MeshConnector());
    future = await store.future<number[]>({ shape: 'array' });
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill()));
    await store.close();
  });

  // foo and bar start together; bar finishes its own work, then blocks on the proxy until foo sets it.
  it('runs producer and consumer at the same time; the consumer blocks only at first use', async () => {
    const bar = spawn('seed-consumer', future.proxy());
    const foo = spawn('seed-producer', future);
    const [started, done] = await Promise.all([bar.until('started'), bar.until('independent-work-done')]);
    expect(started.resolved).toBe(false);
    expect(done.resolved).toBe(false);
    await bar.until('using-proxy');
    await foo.until('started');
    await ownerHasWaiter();
    // bar is now blocked on a value that does not exist yet.
    expect(await future.done()).toBe(false);
    expect(bar.has('got')).toBe(false);
    foo.send('go');
    await foo.until('set');
    const got = await bar.until('got');
    expect(got).toMatchObject({ sum: EXPECTED_SUM, length: 1000 });
    expect(await bar.exited).toBe(0);
    expect(await future.result()).toHaveLength(1000);
  });

  // The consumer may start first: it blocks at first use, and the producer, started later, wakes it.
  it('works with the consumer started before the producer', async () => {
    const bar = spawn('seed-consumer', future.proxy());
    await bar.until('using-proxy');
    await ownerHasWaiter();
    expect(await future.done()).toBe(false);
    const foo = spawn('seed-producer', future);
    await foo.until('started');
    foo.send('go');
    expect(await bar.until('got')).toMatchObject({ sum: EXPECTED_SUM });
  });

  // Only the future carries the right to set: its proxy's reference has no capability, and a
  // store holding just the key (as a consumer would) is refused.
  it('puts the set capability in the future, never in its proxy', async () => {
    const futureRef = JSON.parse(JSON.stringify(future)) as { capability?: string };
    const proxyRef = JSON.parse(JSON.stringify(future.proxy())) as { capability?: string };
    expect(futureRef.capability).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(proxyRef.capability).toBeUndefined();
    const consumer = new Store('seed-futures-consumer', new MeshConnector());
    try {
      await expect(consumer.set(future.key as MeshKey, [0])).rejects.toBeInstanceOf(PermissionDeniedError);
    } finally {
      await consumer.close();
    }
    expect(await future.done()).toBe(false);
  });

  // The owner itself can be the blocked consumer: its peer thread still accepts the producer's Set.
  it('lets the owning process block on its own future while another process sets it', async () => {
    const foo = spawn('seed-producer', future);
    await foo.until('started');
    foo.send('when-awaited');
    const proxy = future.proxy();
    expect(isResolved(proxy)).toBe(false);
    expect(proxy.length).toBe(1000); // blocks this thread until foo's Set arrives
    expect(proxy[999]).toBe(1000);
  });
});

// A proxy is never a thenable, and the async control functions resolve without blocking:
// resolve() shares one factory call, resolveAsync() prefetches.
import { describe, expect, it } from 'vitest';
import { ProxyResolveError } from '../../src/errors.js';
import { extract, isResolved, resolve, resolveAsync } from '../../src/proxy/control.js';
import { createProxy } from '../../src/proxy/create.js';
import { defer, lazy, MemoryFactory } from './proxy-fixtures.js';

describe('not a thenable', () => {
  it('p.then is undefined and does not resolve', () => {
    // Reading then is answered before resolution.
    const { p, factory } = lazy({ a: 1 });
    expect((p as { then?: unknown }).then).toBeUndefined();
    expect(factory.calls).toBe(0);
  });

  it('await p gives the proxy back, unresolved', async () => {
    // await looks up then, finds undefined, and yields the proxy itself.
    const { p, factory } = lazy({ a: 1 });
    // eslint-disable-next-line @typescript-eslint/await-thenable -- awaiting a non-thenable is the point
    const awaited = await p;
    expect(awaited).toBe(p);
    expect(isResolved(p)).toBe(false);
    expect(factory.calls).toBe(0);
  });

  it('returning p from an async function does not resolve it', async () => {
    // An async return adopts thenables only.
    const { p, factory } = lazy([1, 2]);
    const give = async (): Promise<number[]> => p;
    expect(await give()).toBe(p);
    expect(factory.calls).toBe(0);
  });

  it('Promise.resolve(p) and Promise.all([p]) do not resolve it', async () => {
    // Promise machinery checks then only.
    const { p, factory } = lazy({ a: 1 });
    expect(await Promise.resolve(p)).toBe(p);
    // eslint-disable-next-line @typescript-eslint/await-thenable -- a non-thenable in Promise.all is the point
    expect((await Promise.all([p]))[0]).toBe(p);
    expect(factory.calls).toBe(0);
  });

  it('a resolved target\'s own then is hidden too', async () => {
    // Safest: a proxy is never a thenable, even over one; extract(p).then reaches it.
    const thenable = { then: (ok: (v: number) => void): void => ok(7) };
    const { p } = lazy(thenable);
    expect(extract(p).then).toBe(thenable.then);
    expect((p as { then?: unknown }).then).toBeUndefined();
    expect(await p).toBe(p);
    expect(await extract(p)).toBe(7);
  });
});

describe('resolve()', () => {
  it('resolves through factory.resolve, then sync use does not block', async () => {
    // The non-blocking path: one async call, no resolveSync afterwards.
    const { p, factory } = lazy({ a: 1 });
    expect(await resolve(p)).toEqual({ a: 1 });
    expect(isResolved(p)).toBe(true);
    expect(p.a).toBe(1);
    expect(factory.asyncCalls).toBe(1);
    expect(factory.syncCalls).toBe(0);
  });

  it('returns the same object extract returns', async () => {
    // resolve gives the plain target, not the proxy.
    const target = { a: 1 };
    const { p } = lazy(target);
    expect(await resolve(p)).toBe(target);
    expect(extract(p)).toBe(target);
  });

  it('concurrent calls share one factory call', async () => {
    // In-flight resolutions are shared.
    const { p, factory } = lazy({ a: 1 });
    const [x, y] = await Promise.all([resolve(p), resolve(p)]);
    expect(x).toBe(y);
    expect(factory.asyncCalls).toBe(1);
  });

  it('on a resolved proxy, no factory call at all', async () => {
    // Resolution happens at most once.
    const { p, factory } = lazy({ a: 1 });
    void p.a;
    await resolve(p);
    expect(factory.calls).toBe(1);
  });

  it('works with an async-only factory', async () => {
    // The async path never calls resolveSync, so it cannot deadlock.
    const { p, factory } = lazy({ a: 1 }, { asyncOnly: true });
    await resolve(p);
    expect(p.a).toBe(1);
    expect(factory.syncCalls).toBe(0);
  });

  it('rejects with ProxyResolveError and retries on the next call', async () => {
    // Failures wrap with the cause; the proxy stays unresolved.
    const { p, factory } = lazy({ a: 1 });
    factory.failures = 1;
    const error: unknown = await resolve(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyResolveError);
    expect((error as Error).cause).toBe(factory.failWith);
    expect(isResolved(p)).toBe(false);
    expect(await resolve(p)).toEqual({ a: 1 });
    expect(factory.asyncCalls).toBe(2);
  });

  it('a sync use while resolve() is in flight wins, and resolve() returns that target', async () => {
    // Sync use cannot wait for a promise: it resolves itself; the late async value is dropped.
    const first = { v: 'sync' };
    const factory = new MemoryFactory(first);
    const gate = defer();
    factory.gate = gate.promise;
    const p = createProxy(factory);
    const pending = resolve(p);
    expect(p.v).toBe('sync');
    gate.resolve();
    expect(await pending).toBe(first);
    expect(factory.syncCalls).toBe(1);
    expect(factory.asyncCalls).toBe(1);
  });

  it('an async failure after a sync success is ignored', async () => {
    // Once resolved, a late failure cannot unresolve the proxy.
    const factory = new MemoryFactory({ a: 1 });
    const gate = defer();
    factory.gate = gate.promise;
    const p = createProxy(factory);
    const pending = resolve(p);
    void p.a;
    factory.failures = 1;
    gate.resolve();
    expect(await pending).toEqual({ a: 1 });
  });
});

describe('resolveAsync()', () => {
  it('prefetches in the background; a later use does not call the factory again', async () => {
    // The prefetch's result is used; no second resolution.
    const { p, factory } = lazy({ a: 1 });
    resolveAsync(p);
    expect(factory.asyncCalls).toBe(1);
    await resolve(p);
    expect(p.a).toBe(1);
    expect(factory.calls).toBe(1);
  });

  it('returns at once and does not resolve synchronously', () => {
    // resolveAsync never blocks.
    const { p, factory } = lazy({ a: 1 });
    const gate = defer();
    factory.gate = gate.promise;
    expect(resolveAsync(p)).toBeUndefined();
    expect(isResolved(p)).toBe(false);
    expect(factory.syncCalls).toBe(0);
    gate.resolve();
  });

  it('a sync use while the prefetch is in flight resolves synchronously', () => {
    // No way to wait for a promise synchronously: resolveSync is called.
    const { p, factory } = lazy({ a: 1 });
    const gate = defer();
    factory.gate = gate.promise;
    resolveAsync(p);
    expect(p.a).toBe(1);
    expect(factory.syncCalls).toBe(1);
    gate.resolve();
  });

  it('a failed prefetch is dropped and the next use retries', async () => {
    // No unhandled rejection; the next use reports its own outcome.
    const { p, factory } = lazy({ a: 1 });
    const gate = defer();
    factory.gate = gate.promise;
    factory.failures = 1;
    resolveAsync(p);
    gate.resolve();
    await expect(resolve(p)).rejects.toBeInstanceOf(ProxyResolveError);
    expect(p.a).toBe(1);
  });

  it('on a resolved proxy it does nothing', () => {
    // No factory call for a proxy that already has its target.
    const factory = new MemoryFactory({ a: 1 });
    const p = createProxy(factory, { target: { a: 1 } });
    resolveAsync(p);
    expect(factory.calls).toBe(0);
  });
});

// The control functions: extract, isResolved, isProxy, getKey, getFactory, getReference, and
// their TypeError on non-proxies. None resolves a proxy unless that is its job.
import { describe, expect, it } from 'vitest';
import { ProxyResolveError } from '../../src/errors.js';
import { extract, getFactory, getKey, getReference, isProxy, isResolved, resolve, resolveAsync } from '../../src/proxy/control.js';
import { createProxy } from '../../src/proxy/create.js';
import { lazy, MemoryFactory } from './proxy-fixtures.js';

describe('extract', () => {
  it('returns the plain target, resolving synchronously once', () => {
    // extract is the escape hatch to the real object.
    const target = new Map([['a', 1]]);
    const { p, factory } = lazy(target);
    expect(extract(p)).toBe(target);
    expect(extract(p)).toBe(target);
    expect(factory.syncCalls).toBe(1);
    expect(isProxy(extract(p))).toBe(false);
  });

  it('returns a primitive target as the primitive', () => {
    // No wrapper leaks out of extract.
    expect(extract(lazy(5).p)).toBe(5);
    expect(extract(lazy('s').p)).toBe('s');
  });

  it('throws ProxyResolveError when resolution fails', () => {
    // Same failure path as any other use.
    const { p, factory } = lazy({ a: 1 });
    factory.failures = 1;
    expect(() => extract(p)).toThrow(ProxyResolveError);
  });

  it('structuredClone(extract(p)) works', () => {
    // The real object clones; the proxy itself cannot (see proxy-serialize tests).
    const { p } = lazy({ a: [1, 2], m: new Map([['k', 1]]) });
    expect(structuredClone(extract(p))).toEqual({ a: [1, 2], m: new Map([['k', 1]]) });
  });
});

describe('isResolved and isProxy', () => {
  it('isResolved follows the life of a proxy without resolving it', () => {
    // Asking is not using.
    const { p, factory } = lazy({ a: 1 });
    expect(isResolved(p)).toBe(false);
    expect(factory.calls).toBe(0);
    void p.a;
    expect(isResolved(p)).toBe(true);
  });

  it('isProxy is true for proxies only, and never resolves', () => {
    // isProxy uses a WeakMap, not the traps.
    const { p, factory } = lazy({ a: 1 });
    expect(isProxy(p)).toBe(true);
    expect(isProxy(lazy(() => 1).p)).toBe(true);
    expect(isProxy(lazy([1]).p)).toBe(true);
    expect(isProxy({ a: 1 })).toBe(false);
    expect(isProxy(new Proxy({}, {}))).toBe(false);
    expect(isProxy(null)).toBe(false);
    expect(isProxy(1)).toBe(false);
    expect(factory.calls).toBe(0);
  });
});

describe('getKey, getFactory, getReference', () => {
  it('getKey gives the reference key without resolving', () => {
    // The key comes from factory.reference().
    const { p, factory } = lazy({ a: 1 });
    expect(getKey(p)).toEqual({ id: factory.key });
    expect(factory.calls).toBe(0);
  });

  it('getFactory gives the factory; a new proxy over it starts unresolved', () => {
    // Factories are what travel; proxies are views over them.
    const { p, factory } = lazy({ a: 1 });
    void p.a;
    expect(getFactory(p)).toBe(factory);
    const again = createProxy(getFactory(p));
    expect(isResolved(again)).toBe(false);
  });

  it('getReference gives the full reference without resolving', () => {
    // The reference carries key, store config, evict and shape.
    const { p, factory } = lazy([1], { shape: 'array' });
    expect(getReference(p)).toEqual(factory.reference());
    expect(getReference(p).shape).toBe('array');
    expect(factory.calls).toBe(0);
  });

  it('control functions work on a proxy created resolved', () => {
    // populate_target proxies are ordinary proxies.
    const factory = new MemoryFactory([1, 2]);
    const p = createProxy(factory, { target: [1, 2] });
    expect(getKey(p)).toEqual({ id: factory.key });
    expect(extract(p)).toEqual([1, 2]);
  });
});

describe('non-proxies', () => {
  const notProxies: unknown[] = [{}, [1], null, undefined, 3, 'x', () => 1, new Proxy({}, {})];

  it.each([
    ['extract', (x: unknown) => extract(x)],
    ['isResolved', (x: unknown) => isResolved(x)],
    ['resolveAsync', (x: unknown) => resolveAsync(x)],
    ['getKey', (x: unknown) => getKey(x)],
    ['getFactory', (x: unknown) => getFactory(x)],
    ['getReference', (x: unknown) => getReference(x)],
  ])('%s throws a TypeError naming itself', (name, call) => {
    // A clear error instead of an undefined-property crash.
    for (const value of notProxies) {
      expect(() => call(value)).toThrow(TypeError);
      expect(() => call(value)).toThrow(`${name}() expects a proxymesh proxy`);
    }
  });

  it('resolve throws a TypeError synchronously', () => {
    // Misuse is reported at the call, not as a rejection.
    expect(() => resolve({})).toThrow(/resolve\(\) expects a proxymesh proxy/);
  });

  it('the message says what was passed', () => {
    // "got null" / "got a number" helps find the bug.
    expect(() => extract(null)).toThrow(/got null/);
    expect(() => extract(3)).toThrow(/got a number/);
    expect(() => extract({})).toThrow(/got an object/);
  });
});

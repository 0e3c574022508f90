// Creation and resolution of proxies: placeholders by shape, resolving exactly once, failures
// wrapped in ProxyResolveError and retried on the next use.
import { describe, expect, it } from 'vitest';
import { ProxyMeshError, ProxyResolveError, ProxyResolveMissingKeyError, WouldDeadlockError } from '../../src/errors.js';
import { extract, isResolved } from '../../src/proxy/control.js';
import { createProxy } from '../../src/proxy/create.js';
import type { Factory } from '../../src/proxy/factory.js';
import type { ProxyReference } from '../../src/core/reference.js';
import { lazy, MemoryFactory } from './proxy-fixtures.js';

describe('placeholders by shape', () => {
  it('object shape: typeof is object and nothing resolves', () => {
    // typeof comes from the placeholder, so it needs no resolution.
    const { p, factory } = lazy({ a: 1 });
    expect(typeof p).toBe('object');
    expect(factory.calls).toBe(0);
  });

  it('array shape: Array.isArray is true before resolution', () => {
    // Array.isArray sees through the proxy to the array placeholder.
    const { p, factory } = lazy([1, 2, 3]);
    expect(Array.isArray(p)).toBe(true);
    expect(factory.calls).toBe(0);
  });

  it('function shape: typeof is function before resolution', () => {
    // A function placeholder makes the proxy callable and typeof "function".
    const { p, factory } = lazy((x: number) => x * 2);
    expect(typeof p).toBe('function');
    expect(factory.calls).toBe(0);
  });

  it('without shape or target, the reference\'s shape is used', () => {
    // A reference carries the shape, so a rebuilt proxy gets the right placeholder.
    const factory = new MemoryFactory([1], { shape: 'array' });
    const p = createProxy(factory);
    expect(Array.isArray(p)).toBe(true);
    expect(factory.calls).toBe(0);
  });

  it('default shape is object when the reference cannot say', () => {
    // A factory whose reference() throws still gets a proxy, over an object placeholder.
    const factory: Factory<number[]> = {
      resolve: () => Promise.resolve([1]),
      resolveSync: () => [1],
      reference: () => {
        throw new Error('no reference');
      },
    };
    const p = createProxy(factory);
    expect(Array.isArray(p)).toBe(false);
    expect(typeof p).toBe('object');
  });

  it('a given target picks its own shape', () => {
    // With options.target, the shape follows the target when not given.
    expect(Array.isArray(createProxy(new MemoryFactory([1]), { target: [1] }))).toBe(true);
    expect(typeof createProxy(new MemoryFactory(Math.max), { target: Math.max })).toBe('function');
  });

  it('a wrong shape is a TypeError', () => {
    // Shapes are validated, since the placeholder can never change later.
    expect(() => createProxy(new MemoryFactory(1), { shape: 'set' as never })).toThrow(TypeError);
  });

  it('something that is not a factory is a TypeError', () => {
    // A clear error up front beats a confusing one at first use.
    expect(() => createProxy({} as Factory<number>)).toThrow(/resolve\(\), resolveSync\(\) and reference\(\)/);
  });
});

describe('resolution', () => {
  it('first use resolves synchronously, exactly once', () => {
    // Many uses, one resolveSync call.
    const { p, factory } = lazy({ a: 1, b: 2 });
    expect(p.a).toBe(1);
    expect(p.b).toBe(2);
    expect(Object.keys(p)).toEqual(['a', 'b']);
    expect(factory.syncCalls).toBe(1);
    expect(factory.asyncCalls).toBe(0);
  });

  it.each([
    ['get', (p: Record<string, unknown>) => p['x']],
    ['set', (p: Record<string, unknown>) => (p['x'] = 2)],
    ['has', (p: Record<string, unknown>) => 'x' in p],
    ['ownKeys', (p: Record<string, unknown>) => Reflect.ownKeys(p)],
    ['getOwnPropertyDescriptor', (p: Record<string, unknown>) => Object.getOwnPropertyDescriptor(p, 'x')],
    ['getPrototypeOf', (p: Record<string, unknown>) => void Object.getPrototypeOf(p)],
    ['defineProperty', (p: Record<string, unknown>) => Object.defineProperty(p, 'y', { value: 1 })],
    ['deleteProperty', (p: Record<string, unknown>) => delete p['x']],
    ['isExtensible', (p: Record<string, unknown>) => Object.isExtensible(p)],
    ['setPrototypeOf', (p: Record<string, unknown>) => void Object.setPrototypeOf(p, Object.prototype)],
    ['instanceof', (p: Record<string, unknown>) => p instanceof Object],
  ])('trap %s resolves an unresolved proxy', (_name, use) => {
    // Every trap (not only get) resolves on first use.
    const { p, factory } = lazy<Record<string, unknown>>({ x: 1 });
    use(p);
    expect(factory.syncCalls).toBe(1);
    expect(isResolved(p)).toBe(true);
  });

  it('apply and construct resolve a function proxy', () => {
    // Calling and constructing are uses too.
    class Point {
      constructor(readonly x: number) {}
    }
    const call = lazy((a: number, b: number) => a + b);
    expect(call.p(1, 2)).toBe(3);
    expect(call.factory.syncCalls).toBe(1);
    const make = lazy(Point);
    expect(new make.p(4).x).toBe(4);
    expect(make.factory.syncCalls).toBe(1);
  });

  it('a proxy created with its target never calls the factory', () => {
    // populate_target: the local proxy starts resolved.
    const factory = new MemoryFactory({ a: 1 });
    const p = createProxy(factory, { target: { a: 1 } });
    expect(isResolved(p)).toBe(true);
    expect(p.a).toBe(1);
    expect(factory.calls).toBe(0);
  });

  it('an undefined target given explicitly still counts as given', () => {
    // options.target present (even undefined) means resolved.
    const factory = new MemoryFactory<undefined>(undefined);
    const p = createProxy(factory, { target: undefined });
    expect(isResolved(p)).toBe(true);
    expect(factory.calls).toBe(0);
  });
});

describe('resolution failures', () => {
  it('wraps a factory error in ProxyResolveError with the cause and the key', () => {
    // Failures are named errors that keep the original as cause.
    const { p, factory } = lazy({ a: 1 });
    const cause = new Error('connection refused');
    factory.failures = 1;
    factory.failWith = cause;
    let caught: unknown;
    try {
      void p.a;
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProxyResolveError);
    expect(caught).toBeInstanceOf(ProxyMeshError);
    expect((caught as Error).cause).toBe(cause);
    expect((caught as Error).message).toContain(factory.key);
    expect((caught as Error).message).toContain('connection refused');
  });

  it('passes a ProxyResolveError through unchanged', () => {
    // A factory's own ProxyResolveError (e.g. missing key) is not double-wrapped.
    const { p, factory } = lazy({ a: 1 });
    const missing = new ProxyResolveMissingKeyError('key k was evicted');
    factory.failures = 1;
    factory.failWith = missing;
    expect(() => p.a).toThrow(missing);
  });

  it('wraps non-Error throws too', () => {
    // A thrown string still becomes a ProxyResolveError with that cause.
    const { p, factory } = lazy({ a: 1 });
    factory.failures = 1;
    factory.failWith = 'boom';
    expect(() => p.a).toThrow(/boom/);
  });

  it('wraps WouldDeadlockError, keeping it as cause', () => {
    // An async-only factory fails sync use with a clear, named cause.
    const { p } = lazy({ a: 1 }, { asyncOnly: true });
    try {
      void p.a;
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProxyResolveError);
      expect((error as Error).cause).toBeInstanceOf(WouldDeadlockError);
    }
  });

  it('stays unresolved after a failure, and the next use tries again', () => {
    // ProxyStore semantics: the target stays unset, so a later access retries.
    const { p, factory } = lazy({ a: 1 });
    factory.failures = 1;
    expect(() => p.a).toThrow(ProxyResolveError);
    expect(isResolved(p)).toBe(false);
    expect(p.a).toBe(1);
    expect(factory.syncCalls).toBe(2);
    expect(p.a).toBe(1);
    expect(factory.syncCalls).toBe(2);
  });

  it('a factory that uses its own proxy gets an error, not a loop', () => {
    // Re-entrant resolution is detected.
    const self: { proxy?: { a: number } } = {};
    const factory: Factory<{ a: number }> = {
      resolve: () => Promise.resolve({ a: 1 }),
      resolveSync: () => ({ a: self.proxy?.a ?? 0 }),
      reference: (): ProxyReference => ({ $proxymesh: 'proxy', key: 'loop', store: { name: 's', connector: { kind: 'local' } }, evict: false, shape: 'object' }),
    };
    self.proxy = createProxy(factory);
    expect(() => self.proxy?.a).toThrow(/used by its own factory/);
  });

  it('a factory whose reference() throws still gets a sentence', () => {
    // Error messages never depend on the factory describing itself.
    const factory: Factory<number> = {
      resolve: () => Promise.reject(new Error('no')),
      resolveSync: () => {
        throw new Error('offline');
      },
      reference: () => {
        throw new Error('no reference');
      },
    };
    const p = createProxy(factory);
    expect(() => extract(p)).toThrow(/an unknown key: offline/);
  });
});

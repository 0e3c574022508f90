// Callable targets: calling, constructing, subclassing and the function placeholder's leaks.
import { describe, expect, it } from 'vitest';
import { lazy, proxyOf } from './proxy-fixtures.js';

describe('callable targets', () => {
  it('p(…) calls the target', () => {
    // The apply trap forwards calls.
    const p = proxyOf((a: number, b: number) => a + b);
    expect(p(1, 2)).toBe(3);
  });

  it('call, apply and bind work', () => {
    // Function.prototype methods are bound to the target.
    const p = proxyOf(function (this: { k: number }, x: number) {
      return this.k + x;
    });
    expect(p.call({ k: 1 }, 2)).toBe(3);
    expect(p.apply({ k: 1 }, [3])).toBe(4);
    expect(p.bind({ k: 10 })(1)).toBe(11);
  });

  it('as a method, this is the object it was called on', () => {
    // thisArg is passed through by the apply trap.
    const obj = { k: 2, f: proxyOf(function (this: { k: number }) {
      return this.k;
    }) };
    expect(obj.f()).toBe(2);
  });

  it('new P() constructs the target class', () => {
    // The construct trap forwards, with the class as new.target.
    class Point {
      constructor(readonly x: number, readonly y: number) {}
      sum(): number {
        return this.x + this.y;
      }
    }
    const P = proxyOf(Point);
    const point = new P(1, 2);
    expect(point).toBeInstanceOf(Point);
    expect(point.sum()).toBe(3);
    expect(P.prototype).toBe(Point.prototype);
    expect(P.name).toBe('Point');
  });

  it('a subclass of a class proxy works', () => {
    // extends P: newTarget is the subclass, passed through.
    class Base {
      hello(): string {
        return 'base';
      }
    }
    const P = proxyOf(Base);
    class Child extends P {
      bye(): string {
        return 'child';
      }
    }
    const child = new Child();
    expect(child.hello()).toBe('base');
    expect(child.bye()).toBe('child');
    expect(child instanceof Child).toBe(true);
  });

  it('static members of a class proxy, and instanceof with the proxy', () => {
    // Statics are own properties; x instanceof P uses the target's prototype.
    class Registry {
      static count = 3;
      static make(): Registry {
        return new this();
      }
    }
    const P = proxyOf(Registry);
    expect(P.count).toBe(3);
    expect(P.make()).toBeInstanceOf(Registry);
    expect(new Registry() instanceof P).toBe(true);
  });

  it('an arrow target still reports the function placeholder\'s prototype', () => {
    // The documented leak: a function placeholder's non-configurable prototype must be reported.
    const { p } = lazy(() => 1);
    expect(Object.getOwnPropertyNames(p)).toContain('prototype');
    expect('prototype' in p).toBe(true);
    expect(p.prototype).toBeUndefined();
  });

  it('calling a non-function target is a clear TypeError', () => {
    // Shape 'function' over an object target: the call fails with a sentence.
    const { p } = lazy<unknown>({ a: 1 }, { shape: 'function' });
    expect(() => (p as () => void)()).toThrow(/not a function/);
    expect(() => new (p as new () => object)()).toThrow(/not a constructor/);
  });

  it('a function target behind an object-shaped proxy cannot be called', () => {
    // Callability comes from the placeholder: pick shape 'function' for callables.
    const { p } = lazy(() => 1, { shape: 'object' });
    expect(() => p()).toThrow(TypeError);
  });
});

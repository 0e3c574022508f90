// Transparency over plain objects, and proxy identity (equality, Map keys, Sets).
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/proxy/control.js';
import { lazy, proxyOf } from './proxy-fixtures.js';

describe('plain objects', () => {
  it('reads properties, including nested ones', () => {
    // Property access forwards to the target.
    const p = proxyOf({ a: 1, nested: { b: [1, 2] } });
    expect(p.a).toBe(1);
    expect(p.nested.b[1]).toBe(2);
  });

  it('nested values are the target\'s own objects, not proxies', () => {
    // Only the top level is proxied: p.nested is the real nested object.
    const inner = { b: 1 };
    const p = proxyOf({ inner });
    expect(p.inner).toBe(inner);
  });

  it('writes through to the target', () => {
    // set forwards, and the change is visible through extract.
    const p = proxyOf<Record<string, number>>({ a: 1 });
    p['b'] = 2;
    p['a'] = 5;
    expect(extract(p)).toEqual({ a: 5, b: 2 });
  });

  it('deletes through to the target', () => {
    // deleteProperty forwards.
    const p = proxyOf<Record<string, number>>({ a: 1, b: 2 });
    delete p['a'];
    expect('a' in p).toBe(false);
    expect(extract(p)).toEqual({ b: 2 });
  });

  it('Object.defineProperty reaches the target', () => {
    // defineProperty forwards; a non-configurable definition is legal through the proxy.
    const p = proxyOf<Record<string, number>>({});
    Object.defineProperty(p, 'fixed', { value: 7, enumerable: true });
    expect(p['fixed']).toBe(7);
    expect(Object.getOwnPropertyDescriptor(p, 'fixed')).toEqual({ value: 7, writable: false, enumerable: true, configurable: false });
    expect(() => {
      p['fixed'] = 8;
    }).toThrow(TypeError);
  });

  it('`in` sees own and inherited keys', () => {
    // has forwards, prototype chain included.
    const p = proxyOf({ a: 1 });
    expect('a' in p).toBe(true);
    expect('toString' in p).toBe(true);
    expect('zzz' in p).toBe(false);
  });

  it('Object.keys, values and entries list the target\'s', () => {
    // ownKeys + getOwnPropertyDescriptor forward, so enumeration matches the target.
    const p = proxyOf({ a: 1, b: 'x' });
    expect(Object.keys(p)).toEqual(['a', 'b']);
    expect(Object.values(p)).toEqual([1, 'x']);
    expect(Object.entries(p)).toEqual([['a', 1], ['b', 'x']]);
  });

  it('for…in enumerates the target\'s keys', () => {
    // for-in uses ownKeys and the prototype through the traps.
    const p = proxyOf({ a: 1, b: 2 });
    const keys: string[] = [];
    for (const key in p) keys.push(key);
    expect(keys).toEqual(['a', 'b']);
  });

  it('object spread and Object.assign copy the data', () => {
    // Spread reads own enumerable keys through the traps.
    const p = proxyOf({ a: 1, b: 2 });
    expect({ ...p }).toEqual({ a: 1, b: 2 });
    expect(Object.assign({}, p)).toEqual({ a: 1, b: 2 });
  });

  it('destructuring works, with rest', () => {
    // Destructuring is a series of gets plus ownKeys for the rest.
    const p = proxyOf({ a: 1, b: 2, c: 3 });
    const { a, ...rest } = p;
    expect(a).toBe(1);
    expect(rest).toEqual({ b: 2, c: 3 });
  });

  it('symbol-keyed properties forward', () => {
    // Symbols are keys like any other.
    const tag = Symbol('tag');
    const p = proxyOf({ [tag]: 'yes' });
    expect(p[tag]).toBe('yes');
    expect(Object.getOwnPropertySymbols(p)).toEqual([tag]);
  });

  it('hasOwnProperty and Object.hasOwn answer for the target', () => {
    // Inherited methods run on the target.
    const p = proxyOf({ a: 1 });
    expect(Object.hasOwn(p, 'a')).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(p, 'a')).toBe(true);
  });

  it('methods on a plain object see the data through this', () => {
    // An own method runs with the proxy as this, which forwards.
    const p = proxyOf({ n: 1, inc() { this.n += 1; return this.n; } });
    expect(p.inc()).toBe(2);
    expect(extract(p).n).toBe(2);
  });

  it('own function properties keep their identity', () => {
    // Callbacks stored on the target are returned as is, not re-bound.
    const callback = (): number => 1;
    const p = proxyOf({ callback });
    expect(p.callback).toBe(callback);
  });

  it('Object.getPrototypeOf is the target\'s', () => {
    // getPrototypeOf forwards (the placeholder's own prototype never shows).
    expect(Object.getPrototypeOf(proxyOf({}))).toBe(Object.prototype);
    expect(Object.getPrototypeOf(proxyOf(Object.create(null) as object))).toBe(null);
  });

  it('String() and toString give the target\'s', () => {
    // Conversion goes to the target's toString.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the default format is what is checked
    expect(String(proxyOf({}))).toBe('[object Object]');
    expect(String(proxyOf({ toString: () => 'custom' }))).toBe('custom');
    expect(Object.prototype.toString.call(proxyOf(new Map()))).toBe('[object Map]');
  });
});

describe('identity and hashing-like uses', () => {
  it('a proxy is itself, not its target', () => {
    // Equality is the proxy's identity.
    const target = { a: 1 };
    const p = proxyOf(target);
    expect(p === p).toBe(true);
    expect(p === target).toBe(false);
    expect(extract(p)).toBe(target);
  });

  it('two proxies of the same target are different values', () => {
    // Each createProxy makes a new identity.
    const target = { a: 1 };
    expect(proxyOf(target) === proxyOf(target)).toBe(false);
  });

  it('as a Map key or Set member it counts by identity and is not resolved', () => {
    // Hashing-like uses never resolve (ProxyStore users' pain point).
    const { p, factory } = lazy({ a: 1 });
    const map = new Map([[p, 'v']]);
    const set = new Set([p, p]);
    const weak = new WeakMap([[p, 1]]);
    expect(map.get(p)).toBe('v');
    expect(set.size).toBe(1);
    expect(weak.has(p)).toBe(true);
    expect(factory.calls).toBe(0);
  });

  it('Object.is and includes use identity without resolving', () => {
    // SameValue comparisons never touch the traps.
    const { p, factory } = lazy({ a: 1 });
    expect(Object.is(p, p)).toBe(true);
    expect([p].includes(p)).toBe(true);
    expect(factory.calls).toBe(0);
  });
});

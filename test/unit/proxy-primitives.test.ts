// Proxies over primitive targets: numbers, strings, bigints, booleans, symbols, null and
// undefined. A proxy behaves like the primitive's frozen wrapper, converts to the primitive,
// and is always an object (see src/proxy/primitive.ts).
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/proxy/control.js';
import { proxyOf } from './proxy-fixtures.js';

describe('numbers', () => {
  it('arithmetic operators see the number', () => {
    // Symbol.toPrimitive returns the primitive.
    const p = proxyOf(6);
    expect(p + 1).toBe(7);
    expect(p - 1).toBe(5);
    expect(p * 2).toBe(12);
    expect(p / 4).toBe(1.5);
    expect(p % 4).toBe(2);
    expect(p ** 2).toBe(36);
    expect(-p).toBe(-6);
    expect(+p).toBe(6);
  });

  it('bitwise operators see the number', () => {
    // ToNumeric goes through toPrimitive too.
    const p = proxyOf(6);
    expect(p & 3).toBe(2);
    expect(p | 1).toBe(7);
    expect(p ^ 2).toBe(4);
    expect(p << 1).toBe(12);
    expect(p >> 1).toBe(3);
    expect(~p).toBe(-7);
  });

  it('comparisons see the number', () => {
    // Relational comparison converts with hint number.
    const p = proxyOf(3);
    expect(p > 2).toBe(true);
    expect(p >= 3).toBe(true);
    expect(p < 3).toBe(false);
    expect(p <= 2).toBe(false);
    expect(proxyOf(1) < proxyOf(2)).toBe(true);
  });

  it('loose equality compares the value, strict equality does not', () => {
    // Documented: p == 3 converts, p === 3 compares an object with a number.
    const p = proxyOf(3);
    expect(p == 3).toBe(true);
    expect(p === 3).toBe(false);
    expect(extract(p) === 3).toBe(true);
  });

  it('Number methods run on the wrapper', () => {
    // Inherited methods are bound to the frozen Number wrapper.
    const p = proxyOf(3.14159);
    expect(p.toFixed(2)).toBe('3.14');
    expect(p.toPrecision(3)).toBe('3.14');
    expect(p.toString(2).startsWith('11.')).toBe(true);
    expect(p.valueOf()).toBe(3.14159);
  });

  it('Math, Number() and template literals convert', () => {
    // Every ToNumber/ToString conversion reaches the primitive.
    const p = proxyOf(2);
    expect(Math.max(p, 1)).toBe(2);
    expect(Number(p)).toBe(2);
    expect(`${p}`).toBe('2');
    expect(String(p)).toBe('2');
    expect(JSON.stringify(extract(p))).toBe('2');
  });

  it('typeof is object and the proxy is truthy even over 0', () => {
    // A proxy is an object; documented limits of a primitive proxy.
    const p = proxyOf(0);
    expect(typeof p).toBe('object');
    expect(Boolean(p)).toBe(true);
    expect(Number.isNaN(proxyOf(NaN))).toBe(false);
    expect(Number.isNaN(+proxyOf(NaN))).toBe(true);
  });

  it('instanceof Number through the wrapper\'s prototype', () => {
    // getPrototypeOf is Number.prototype.
    expect((proxyOf(1) as unknown as object) instanceof Number).toBe(true);
  });
});

describe('strings', () => {
  it('length, indices and methods', () => {
    // The frozen String wrapper answers reads and methods.
    const p = proxyOf('hello');
    expect(p.length).toBe(5);
    expect(p[1]).toBe('e');
    expect(p.toUpperCase()).toBe('HELLO');
    expect(p.slice(1, 3)).toBe('el');
    expect(p.includes('ll')).toBe(true);
    expect(p.split('l')).toEqual(['he', '', 'o']);
    expect(p.at(-1)).toBe('o');
  });

  it('concatenation, templates and comparison', () => {
    // toPrimitive gives the string for +, templates and relational ops.
    const p = proxyOf('abc');
    expect(p + '!').toBe('abc!');
    expect('>' + p).toBe('>abc');
    expect(`[${p}]`).toBe('[abc]');
    expect(p < 'abd').toBe(true);
    expect(p == 'abc').toBe(true);
    expect('x'.concat(p)).toBe('xabc');
  });

  it('iteration, spread and Object.keys', () => {
    // The wrapper's iterator and index properties forward; the invariants stay legal.
    const p = proxyOf('ab');
    expect([...p]).toEqual(['a', 'b']);
    expect(Object.keys(p)).toEqual(['0', '1']);
    expect(Object.getOwnPropertyNames(p)).toEqual(['0', '1', 'length']);
    expect(Object.getOwnPropertyDescriptor(p, 'length')).toEqual({ value: 2, writable: false, enumerable: false, configurable: false });
    expect(p.length).toBe(2);
  });

  it('a string proxy as an object key converts to the string', () => {
    // Computed keys call ToPropertyKey, which converts the proxy.
    const key = proxyOf('k');
    const obj: Record<string, number> = { k: 1 };
    expect(obj[key]).toBe(1);
    expect('k' in { [key]: 1 }).toBe(true);
  });

  it('writes fail: a primitive cannot change', () => {
    // The wrapper is frozen, so strict-mode writes throw TypeError.
    const p = proxyOf('abc') as unknown as Record<string, unknown>;
    expect(() => {
      p['extra'] = 1;
    }).toThrow(TypeError);
    expect(() => delete p['0']).toThrow(TypeError);
    expect(() => Object.defineProperty(p, 'x', { value: 1 })).toThrow(TypeError);
    expect(extract(p)).toBe('abc');
  });

  it('Object.isFrozen is true, like the primitive', () => {
    // isExtensible answers for the frozen wrapper, legally (placeholder made to match).
    const p = proxyOf('ab');
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isExtensible(p)).toBe(false);
    expect([...p]).toEqual(['a', 'b']);
  });
});

describe('bigints', () => {
  it('arithmetic with bigints', () => {
    // toPrimitive returns the bigint, so mixing with bigints works.
    const p = proxyOf(10n);
    expect(p + 1n).toBe(11n);
    expect(p * 3n).toBe(30n);
    expect(p / 3n).toBe(3n);
    expect(-p).toBe(-10n);
    expect(p ** 2n).toBe(100n);
  });

  it('comparisons and methods', () => {
    // Relational ops and BigInt.prototype methods.
    const p = proxyOf(10n);
    expect(p > 5n).toBe(true);
    expect(p > 5).toBe(true);
    expect(p.toString(16)).toBe('a');
    expect(`${p}`).toBe('10');
  });

  it('mixing with numbers is the usual TypeError', () => {
    // The proxy converts to a bigint, and bigint + number throws as it should.
    const p = proxyOf(1n);
    expect(() => (p as unknown as number) + 1).toThrow(TypeError);
  });
});

describe('booleans, symbols, null and undefined', () => {
  it('a boolean proxy converts but is always truthy', () => {
    // Documented: like ProxyStore, booleans are not worth proxying.
    const p = proxyOf(false);
    expect(p.valueOf()).toBe(false);
    expect(`${p}`).toBe('false');
    expect(p == false).toBe(true);
    expect(p ? 'truthy' : 'falsy').toBe('truthy');
    expect(extract(p)).toBe(false);
  });

  it('a symbol proxy exposes description and toString', () => {
    // Symbol.prototype members through the wrapper.
    const sym = Symbol('tag');
    const p = proxyOf(sym);
    expect(p.description).toBe('tag');
    expect(p.toString()).toBe('Symbol(tag)');
    expect(extract(p)).toBe(sym);
  });

  it('a null target converts, but property access is a clear TypeError', () => {
    // null has no wrapper: traps say to use extract.
    const p = proxyOf<unknown>(null) as Record<string, unknown>;
    expect(String(p as unknown)).toBe('null');
    expect(() => p['x']).toThrow(/target is null.*extract\(proxy\)/);
    expect(() => Object.keys(p)).toThrow(TypeError);
    expect(extract(p)).toBeNull();
  });

  it('an undefined target behaves like null', () => {
    // undefined has no properties either.
    const p = proxyOf<unknown>(undefined) as Record<string, unknown>;
    expect(String(p as unknown)).toBe('undefined');
    expect(() => 'x' in p).toThrow(/target is undefined/);
    expect(extract(p)).toBeUndefined();
  });
});

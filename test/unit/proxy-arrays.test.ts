// Transparency over arrays and nested containers, including wrong-shape placeholders.
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/proxy/control.js';
import { lazy, proxyOf } from './proxy-fixtures.js';

describe('arrays', () => {
  it('index, length, and out-of-range reads', () => {
    // Index reads and the length forward.
    const p = proxyOf([10, 20, 30]);
    expect(p[0]).toBe(10);
    expect(p.length).toBe(3);
    expect(p[5]).toBeUndefined();
    expect(p.at(-1)).toBe(30);
  });

  it('for…of, spread and Array.from iterate the target', () => {
    // The iterator is the target's.
    const p = proxyOf([1, 2, 3]);
    const seen: number[] = [];
    for (const x of p) seen.push(x);
    expect(seen).toEqual([1, 2, 3]);
    expect([...p]).toEqual([1, 2, 3]);
    expect(Array.from(p)).toEqual([1, 2, 3]);
  });

  it('array destructuring', () => {
    // Destructuring uses the iterator.
    const [first, ...rest] = proxyOf(['a', 'b', 'c']);
    expect(first).toBe('a');
    expect(rest).toEqual(['b', 'c']);
  });

  it('mutating methods change the target', () => {
    // push/pop/splice/sort run on the target.
    const p = proxyOf([3, 1, 2]);
    p.push(4);
    p.sort((a, b) => a - b);
    expect(p.pop()).toBe(4);
    p.splice(0, 1);
    expect(extract(p)).toEqual([2, 3]);
  });

  it('non-mutating methods return plain arrays', () => {
    // map/filter/slice/concat return real arrays.
    const p = proxyOf([1, 2, 3]);
    expect(p.map((x) => x * 2)).toEqual([2, 4, 6]);
    expect(p.filter((x) => x > 1)).toEqual([2, 3]);
    expect(p.slice(1)).toEqual([2, 3]);
    expect(p.includes(2)).toBe(true);
    expect(p.indexOf(3)).toBe(2);
    expect(p.join('-')).toBe('1-2-3');
    expect([0].concat(extract(p))).toEqual([0, 1, 2, 3]);
  });

  it('Object.keys includes indices, getOwnPropertyNames includes length', () => {
    // ownKeys of an array proxy respects the placeholder's non-configurable length.
    const p = proxyOf(['a', 'b']);
    expect(Object.keys(p)).toEqual(['0', '1']);
    expect(Object.getOwnPropertyNames(p)).toEqual(['0', '1', 'length']);
    expect(Object.getOwnPropertyDescriptor(p, 'length')).toEqual({ value: 2, writable: true, enumerable: false, configurable: false });
  });

  it('setting length and indices writes through', () => {
    // Writes to an array's length truncate the target.
    const p = proxyOf([1, 2, 3]);
    p.length = 1;
    p[2] = 9;
    expect(extract(p)).toEqual([1, undefined, 9]);
  });

  it('an array proxy works in Array.prototype methods of other arrays', () => {
    // Array.isArray(p) is true, so concat spreads it like an array.
    expect([0].concat(proxyOf([1, 2]))).toEqual([0, 1, 2]);
  });

  it('an array target behind an object-shaped proxy still works, but is not Array.isArray', () => {
    // Without the right shape only Array.isArray is wrong; ownKeys stays legal.
    const { p } = lazy([1, 2], { shape: 'object' });
    expect(Array.isArray(p)).toBe(false);
    expect(p.length).toBe(2);
    expect([...p]).toEqual([1, 2]);
    expect(Object.getOwnPropertyNames(p)).toEqual(['0', '1', 'length']);
  });

  it('an object target behind an array-shaped proxy keeps the placeholder\'s length', () => {
    // The one leak of a wrong shape: the array placeholder's non-configurable length.
    const { p } = lazy<Record<string, number>>({ a: 1 }, { shape: 'array' });
    expect(p['a']).toBe(1);
    expect(Object.keys(p)).toEqual(['a']);
    expect(Object.getOwnPropertyNames(p)).toEqual(['a', 'length']);
    expect('length' in p).toBe(true);
  });
});

describe('nested containers', () => {
  it('deep paths through arrays, maps and objects', () => {
    // Only the outer level is a proxy; everything below is the real data.
    const p = proxyOf({ users: [{ name: 'ada', tags: new Set(['x']) }], index: new Map([['ada', 0]]) });
    expect(p.users[0]?.name).toBe('ada');
    expect(p.users[0]?.tags.has('x')).toBe(true);
    expect(p.index.get('ada')).toBe(0);
    expect(p.users.map((u) => u.name)).toEqual(['ada']);
  });

  it('a matrix flattens and reduces', () => {
    // Array methods on an array-of-arrays proxy.
    const p = proxyOf([[1, 2], [3, 4]]);
    expect(p.flat()).toEqual([1, 2, 3, 4]);
    expect(p.reduce((sum, row) => sum + row.length, 0)).toBe(4);
  });

  it('arrays of number proxies sort, sum and take Math.max', () => {
    // Each element converts through Symbol.toPrimitive.
    const items = [proxyOf(3), proxyOf(1), proxyOf(2)];
    expect(items.sort((a, b) => a - b).map((x) => extract(x))).toEqual([1, 2, 3]);
    expect(items.reduce((sum, x) => sum + x, 0)).toBe(6);
    expect(Math.max(...items)).toBe(3);
  });

  it('includes and indexOf of a primitive proxy use identity, not the value', () => {
    // Documented: SameValueZero never converts, so [1].includes(proxyOf(1)) is false.
    const one = proxyOf(1);
    expect([1].includes(one)).toBe(false);
    expect([1].includes(extract(one))).toBe(true);
    expect([one].indexOf(one)).toBe(0);
  });

  it('a proxy stored inside another proxy\'s target stays a proxy', () => {
    // Proxies nest: the inner one resolves on its own first use.
    const inner = lazy({ v: 1 });
    const outer = proxyOf({ inner: inner.p });
    expect(outer.inner.v).toBe(1);
    expect(inner.factory.calls).toBe(1);
  });
});

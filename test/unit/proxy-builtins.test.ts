// Transparency over built-ins whose methods check internal slots (Map, Set, Date, Buffer, typed
// arrays, RegExp, Error, Promise, generators).
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/proxy/control.js';
import { proxyOf } from './proxy-fixtures.js';

describe('Map and Set', () => {
  it('Map methods work on a Map proxy', () => {
    // Methods are bound to the target, so Map's internal-slot checks pass.
    const p = proxyOf(new Map<string, number>([['a', 1]]));
    expect(p.get('a')).toBe(1);
    p.set('b', 2);
    expect(p.has('b')).toBe(true);
    expect(p.size).toBe(2);
    expect(p.delete('a')).toBe(true);
    expect([...p.keys()]).toEqual(['b']);
  });

  it('a Map proxy iterates and spreads', () => {
    // Symbol.iterator is bound too.
    const p = proxyOf(new Map([['a', 1], ['b', 2]]));
    expect([...p]).toEqual([['a', 1], ['b', 2]]);
    expect(Object.fromEntries(p)).toEqual({ a: 1, b: 2 });
    const seen: string[] = [];
    p.forEach((_v, k) => seen.push(k));
    expect(seen).toEqual(['a', 'b']);
  });

  it('new Map(p) copies a Map proxy', () => {
    // The Map constructor iterates its argument.
    expect(new Map(proxyOf(new Map([['a', 1]]))).get('a')).toBe(1);
  });

  it('Set methods and iteration work', () => {
    // Set.prototype methods bound to the target.
    const p = proxyOf(new Set([1, 2]));
    p.add(3);
    expect(p.has(3)).toBe(true);
    expect(p.size).toBe(3);
    expect([...p]).toEqual([1, 2, 3]);
    expect(new Set(p).size).toBe(3);
  });

  it('instanceof and toStringTag identify the container', () => {
    // getPrototypeOf and Symbol.toStringTag forward.
    const p = proxyOf(new Set());
    expect(p instanceof Set).toBe(true);
    expect(Object.prototype.toString.call(p)).toBe('[object Set]');
  });

  it('a Map chained set returns the target map', () => {
    // Map.prototype.set returns this, which is the target.
    const map = new Map<string, number>();
    const p = proxyOf(map);
    expect(p.set('a', 1).set('b', 2)).toBe(map);
    expect(p.size).toBe(2);
  });
});

describe('Date', () => {
  const when = new Date('2024-05-06T07:08:09.123Z');

  it('Date methods work', () => {
    // getTime and friends check [[DateValue]]: bound to the target they pass.
    const p = proxyOf(new Date(when));
    expect(p.getTime()).toBe(when.getTime());
    expect(p.toISOString()).toBe('2024-05-06T07:08:09.123Z');
    expect(p.getUTCFullYear()).toBe(2024);
  });

  it('dates compare and subtract through Symbol.toPrimitive', () => {
    // Date's own toPrimitive is bound to the target.
    const p = proxyOf(new Date(when));
    expect(+p).toBe(when.getTime());
    expect(p.valueOf() - when.getTime()).toBe(0);
    expect(p > new Date(0)).toBe(true);
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- template conversion is the point
    expect(`${p}`).toBe(String(when));
  });

  it('instanceof Date and JSON of the extracted date', () => {
    // Type checks see Date; data goes through extract.
    const p = proxyOf(new Date(when));
    expect(p instanceof Date).toBe(true);
    expect(JSON.stringify(extract(p))).toBe(JSON.stringify(when));
  });

  it('new Date(+p) keeps milliseconds; new Date(extract(p)) is exact', () => {
    // Documented: new Date(p) goes through a string and loses milliseconds.
    const p = proxyOf(new Date(when));
    expect(new Date(+p).getTime()).toBe(when.getTime());
    expect(new Date(extract(p)).getTime()).toBe(when.getTime());
    expect(new Date(p).getTime()).toBe(when.getTime() - 123);
  });
});

describe('Buffer and typed arrays', () => {
  it('Buffer methods, length and indices work', () => {
    // Typed-array getters and Buffer methods run on the target.
    const p = proxyOf(Buffer.from('hello'));
    expect(p.length).toBe(5);
    expect(p[0]).toBe(104);
    expect(p.toString('utf8')).toBe('hello');
    expect(p.toString('hex')).toBe('68656c6c6f');
    expect(p.subarray(1, 3).toString()).toBe('el');
    expect(p.equals(Buffer.from('hello'))).toBe(true);
  });

  it('Buffer.from(p) and Buffer.isBuffer(p) work', () => {
    // Buffer.from uses valueOf (bound: returns the target); isBuffer uses instanceof.
    const p = proxyOf(Buffer.from('abc'));
    expect(Buffer.from(p).toString()).toBe('abc');
    expect(Buffer.isBuffer(p)).toBe(true);
  });

  it('Buffer.compare needs extract', () => {
    // Documented: native checks for a real Uint8Array reject the proxy.
    const p = proxyOf(Buffer.from('abc'));
    expect(() => Buffer.compare(p, Buffer.from('abc'))).toThrow(TypeError);
    expect(Buffer.compare(extract(p), Buffer.from('abc'))).toBe(0);
  });

  it('Uint8Array proxy: indices, iteration, methods, writes', () => {
    // Integer-indexed access and %TypedArray% methods.
    const p = proxyOf(new Uint8Array([1, 2, 3]));
    expect(p[2]).toBe(3);
    expect([...p]).toEqual([1, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBe(6);
    p[0] = 9;
    expect(extract(p)[0]).toBe(9);
    expect(new Uint8Array(p)).toEqual(new Uint8Array([9, 2, 3]));
    expect(p.byteLength).toBe(3);
  });

  it('Float64Array keys and spread', () => {
    // A typed array's index keys forward through ownKeys and the iterator.
    const p = proxyOf(new Float64Array([0.5, 1.5]));
    expect(Object.keys(p)).toEqual(['0', '1']);
    expect(Math.max(...p)).toBe(1.5);
  });

  it('ArrayBuffer byteLength and slice', () => {
    // ArrayBuffer accessors check their slot too.
    const p = proxyOf(new ArrayBuffer(8));
    expect(p.byteLength).toBe(8);
    expect(p.slice(4).byteLength).toBe(4);
  });
});

describe('other built-ins', () => {
  it('RegExp test and source', () => {
    // RegExp methods check [[RegExpMatcher]].
    const p = proxyOf(/a(b)/g);
    expect(p.test('xab')).toBe(true);
    expect(p.source).toBe('a(b)');
    expect(p.flags).toBe('g');
  });

  it('Error message, stack and instanceof', () => {
    // Errors are ordinary enough to forward fully.
    const p = proxyOf(new RangeError('bad'));
    expect(p.message).toBe('bad');
    expect(p instanceof RangeError).toBe(true);
    expect(p.stack).toContain('RangeError: bad');
  });

  it('a Promise target is not awaited through the proxy', () => {
    // then is always undefined on a proxy; extract gives the real promise.
    const p = proxyOf(Promise.resolve(5));
    expect((p as { then?: unknown }).then).toBeUndefined();
    return expect(extract(p)).resolves.toBe(5);
  });
});

describe('iterators and generators', () => {
  it('a generator object proxy steps with next()', () => {
    // Generator methods check internal slots: bound to the target they work.
    function* count(): Generator<number> {
      yield 1;
      yield 2;
    }
    const p = proxyOf(count());
    expect(p.next().value).toBe(1);
    expect([...p]).toEqual([2]);
  });

  it('a class with Symbol.iterator iterates through the proxy', () => {
    // A user-defined iterator on the prototype.
    class Range {
      constructor(readonly n: number) {}
      *[Symbol.iterator](): Generator<number> {
        for (let i = 0; i < this.n; i += 1) yield i;
      }
    }
    expect([...proxyOf(new Range(3))]).toEqual([0, 1, 2]);
  });

  it('for await iterates an async iterable proxy', async () => {
    // Symbol.asyncIterator forwards like any other method.
    class Feed {
      async *[Symbol.asyncIterator](): AsyncGenerator<string> {
        yield 'a';
        yield 'b';
      }
    }
    const seen: string[] = [];
    for await (const item of proxyOf(new Feed())) seen.push(item);
    expect(seen).toEqual(['a', 'b']);
  });

  it('Map iterators from a proxy are real iterators', () => {
    // entries() returns the target's iterator.
    const it = proxyOf(new Map([['a', 1]])).entries();
    expect(it.next()).toEqual({ value: ['a', 1], done: false });
  });
});

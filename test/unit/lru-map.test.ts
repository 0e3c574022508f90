/**
 * The bounded map behind the store's object cache and a connector's capabilities
 * (src/util/lru-map.ts): least recently used out first, a lookup refreshes, `has` does not.
 */
import { describe, expect, it } from 'vitest';
import { LruMap } from '../../src/util/lru-map.js';

const keys = (m: LruMap<string, number>, candidates: string[]): string[] => candidates.filter((k) => m.has(k));

describe('LruMap', () => {
  it('drops the least recently set entry past its bound', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(keys(m, ['a', 'b', 'c'])).toEqual(['b', 'c']);
    expect(m.size).toBe(2);
  });

  it('keeps an entry that was just read, and drops the one read longest ago', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect(keys(m, ['a', 'b', 'c'])).toEqual(['a', 'c']);
  });

  it('does not refresh an entry on has, and refreshes one that is set again', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.has('a')).toBe(true);
    m.set('c', 3);
    expect(m.has('a')).toBe(false);
    m.set('b', 20);
    m.set('d', 4);
    expect(keys(m, ['b', 'c', 'd'])).toEqual(['b', 'd']);
    expect(m.get('b')).toBe(20);
  });

  it('holds a value of undefined apart from a miss, deletes and clears', () => {
    const m = new LruMap<string, number | undefined>(3);
    m.set('u', undefined);
    m.set('x', 1);
    expect(m.has('u')).toBe(true);
    expect(m.get('missing')).toBeUndefined();
    expect(m.delete('x')).toBe(true);
    expect(m.delete('x')).toBe(false);
    m.clear();
    expect(m.size).toBe(0);
  });

  it('refuses a bound below 1 or not whole', () => {
    for (const max of [0, -1, 1.5, Number.NaN]) expect(() => new LruMap(max)).toThrow(/at least 1 entry; got max/);
  });
});

/**
 * An object table's owners and times to live: what the contract's Replace and Expire rest on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ObjectTable } from '../../src/core/object-table.js';
import { KeyNotFoundError, PermissionDeniedError } from '../../src/errors.js';

const value = (text: string) => ({ codec: 'utf8', data: Buffer.from(text) });
const read = (table: ObjectTable, id: string): string | undefined => {
  const p = table.get(id);
  return p === undefined ? undefined : Buffer.from(p.data).toString();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('ObjectTable owners', () => {
  // Proves: only the capability the put issued (or a trusted caller) may replace; a deferred key keeps its newKey capability as its owner's once set.
  it('lets only the owner replace an object', () => {
    const table = new ObjectTable();
    const id = table.put(value('one'), 'secret');
    expect(() => table.replaceOwned(id, value('x'), 'wrong')).toThrow(PermissionDeniedError);
    expect(() => table.replaceOwned(id, value('x'), '')).toThrow(/capability is missing/);
    table.replaceOwned(id, value('two'), 'secret');
    expect(read(table, id)).toBe('two');
    table.replaceOwned(id, value('three'));
    expect(read(table, id)).toBe('three');

    const unowned = table.put(value('batch'));
    expect(() => table.replaceOwned(unowned, value('x'), 'anything')).toThrow(/stored without an owner capability/);

    const future = table.newKey('cap');
    expect(() => table.replaceOwned(future, value('x'), 'cap')).toThrow(KeyNotFoundError);
    table.set(future, value('set'), 'cap');
    table.replaceOwned(future, value('replaced'), 'cap');
    expect(read(table, future)).toBe('replaced');
  });

  // Proves: an object is evicted when its time to live passes, a replace keeps that time, and 0 takes it away.
  it('evicts objects whose time to live passed, across a replace', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const table = new ObjectTable();
    const a = table.put(value('a'), 'ca');
    const b = table.put(value('b'), 'cb');
    table.expire(a, 1_000, 'ca');
    table.expire(b, 1_000, 'cb');
    table.expire(b, 0, 'cb');
    vi.advanceTimersByTime(500);
    table.replaceOwned(a, value('a2'), 'ca');
    vi.advanceTimersByTime(499);
    expect(read(table, a)).toBe('a2');
    vi.advanceTimersByTime(1);
    expect(table.exists(a)).toBe(false);
    expect(read(table, b)).toBe('b');
    expect(() => table.expire(a, 10, 'ca')).toThrow(KeyNotFoundError);
    expect(table.stats()).toMatchObject({ objects: 1, bytes: 1 });
  });
});

// What a proxy looks like from outside: JSON gives the reference, inspect shows it without
// resolving, structuredClone refuses it clearly, and the ES Proxy invariants always hold.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { extract, isResolved } from '../../src/proxy/control.js';
import { createProxy } from '../../src/proxy/create.js';
import { lazy, MemoryFactory } from './proxy-fixtures.js';

describe('JSON', () => {
  it('JSON.stringify(p) is the reference, and does not resolve', () => {
    // A proxy travels as key + store config, never as data.
    const { p, factory } = lazy({ secret: 'data' });
    const json = JSON.stringify(p);
    expect(JSON.parse(json)).toEqual(factory.reference());
    expect(json).not.toContain('secret');
    expect(factory.calls).toBe(0);
  });

  it('a nested proxy serialises as its reference too', () => {
    // toJSON is called for proxies inside other values.
    const { p, factory } = lazy([1, 2, 3]);
    expect(JSON.parse(JSON.stringify({ items: p }))).toEqual({ items: factory.reference() });
  });

  it('a resolved proxy still serialises as the reference', () => {
    // Resolution does not change the wire form.
    const { p, factory } = lazy({ a: 1 });
    void p.a;
    expect(JSON.parse(JSON.stringify(p))).toEqual(factory.reference());
  });

  it('JSON.stringify(extract(p)) gives the data', () => {
    // extract is how to serialise the value itself.
    const { p } = lazy({ a: 1 });
    expect(JSON.stringify(extract(p))).toBe('{"a":1}');
  });

  it('the target\'s own toJSON is bypassed by the proxy', () => {
    // Even a Date proxy serialises as a reference.
    const { p } = lazy(new Date(0));
    expect(JSON.parse(JSON.stringify(p))).toHaveProperty('$proxymesh', 'proxy');
  });
});

describe('util.inspect', () => {
  it('an unresolved proxy shows its key and stays unresolved', () => {
    // console.log must not resolve (it would block, or spend a one-shot proxy).
    const { p, factory } = lazy({ a: 1 });
    expect(inspect(p)).toBe(`Proxy(unresolved key={"id":"${factory.key}"})`);
    expect(isResolved(p)).toBe(false);
  });

  it('a resolved proxy shows its target', () => {
    // The target's own inspection, wrapped.
    const { p } = lazy({ a: 1 });
    void p.a;
    expect(inspect(p)).toBe('Proxy({ a: 1 })');
    expect(inspect(createProxy(new MemoryFactory(5), { target: 5 }))).toBe('Proxy(5)');
    expect(inspect(createProxy(new MemoryFactory(new Map()), { target: new Map([['k', 1]]) }))).toBe("Proxy(Map(1) { 'k' => 1 })");
  });

  it('array and function proxies inspect too', () => {
    // The hook is installed on every placeholder shape.
    expect(inspect(lazy([1]).p)).toMatch(/^Proxy\(unresolved key=/);
    const fn = createProxy(new MemoryFactory(() => 1), { target: function named(): number { return 1; } });
    expect(inspect(fn)).toBe('Proxy([Function: named])');
  });

  it('nested inside other values, and with a depth limit', () => {
    // The hook respects depth and works inside containers.
    const { p } = lazy({ a: { b: { c: 1 } } });
    void p.a;
    expect(inspect({ x: p })).toContain('Proxy(');
    expect(inspect(p, { depth: 0 })).toBe('Proxy({ a: [Object] })');
  });

  it('a factory whose reference() throws still inspects', () => {
    // Inspection never throws.
    const p = createProxy({ resolve: () => Promise.resolve(1), resolveSync: () => 1, reference: () => { throw new Error('x'); } });
    expect(inspect(p)).toBe('Proxy(unresolved)');
  });

  it('a frozen proxy still inspects as Proxy(…)', () => {
    // The hook survives the placeholder becoming a non-extensible copy of the target.
    const { p } = lazy(Object.freeze(new Map([['a', 1]])));
    expect(Object.isFrozen(p)).toBe(true);
    expect(inspect(p)).toBe("Proxy(Map(1) { 'a' => 1 })");
    const n = lazy(5).p;
    expect(Object.isFrozen(n)).toBe(true);
    expect(inspect(n)).toBe('Proxy(5)');
  });

  it('the hook is the one extra symbol of a non-extensible proxy, and not enumerable', () => {
    // The documented price of keeping inspect working after a freeze.
    const { p } = lazy<Record<string, number>>({ a: 1 });
    expect(Object.getOwnPropertySymbols(p)).toEqual([]);
    Object.freeze(p);
    expect(Object.getOwnPropertySymbols(p)).toEqual([Symbol.for('nodejs.util.inspect.custom')]);
    expect(Object.keys(p)).toEqual(['a']);
    expect({ ...p }).toEqual({ a: 1 });
  });
});

describe('structuredClone', () => {
  it('throws a DataCloneError that names a ProxymeshProxy', () => {
    // Proxies cannot be cloned; the message says what the value is.
    const { p, factory } = lazy({ a: 1 });
    expect(() => structuredClone(p)).toThrow(/ProxymeshProxy/);
    expect(factory.calls).toBe(0);
    expect(() => structuredClone(lazy(() => 1).p)).toThrow(/ProxymeshProxy/);
  });

  it('structuredClone(extract(p)) clones the data', () => {
    // The documented way to clone.
    const { p } = lazy([1, { b: 2 }]);
    expect(structuredClone(extract(p))).toEqual([1, { b: 2 }]);
  });
});

describe('ES Proxy invariants', () => {
  it('a frozen object target: keys, descriptors and get are legal', () => {
    // Non-configurable, non-writable properties are mirrored onto the placeholder.
    const { p } = lazy(Object.freeze({ a: 1, f() { return 2; } }));
    expect(Object.getOwnPropertyDescriptor(p, 'a')).toEqual({ value: 1, writable: false, enumerable: true, configurable: false });
    expect(p.a).toBe(1);
    expect(p.f()).toBe(2);
    expect({ ...p }).toEqual(extract(p));
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isExtensible(p)).toBe(false);
    expect(Object.getOwnPropertyNames(p)).toEqual(['a', 'f']);
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
  });

  it('Object.freeze(p) freezes the target', () => {
    // preventExtensions forwards and the placeholder follows.
    const { p } = lazy<Record<string, number>>({ a: 1 });
    Object.freeze(p);
    expect(Object.isFrozen(extract(p))).toBe(true);
    expect(() => {
      p['a'] = 2;
    }).toThrow(TypeError);
    expect(Object.keys(p)).toEqual(['a']);
  });

  it('Object.preventExtensions(p) then delete keeps ownKeys legal', () => {
    // A non-extensible placeholder is kept an exact copy as keys are deleted.
    const { p } = lazy<Record<string, number>>({ a: 1, b: 2 });
    Object.preventExtensions(p);
    delete p['a'];
    expect(Object.keys(p)).toEqual(['b']);
    expect('a' in p).toBe(false);
  });

  it('a sealed array target: length and indices legal', () => {
    // Sealing makes indices non-configurable, so they are mirrored.
    const { p } = lazy(Object.seal([1, 2]));
    p[0] = 5;
    expect(Object.isSealed(p)).toBe(true);
    expect(Object.getOwnPropertyNames(p)).toEqual(['0', '1', 'length']);
    expect([...p]).toEqual([5, 2]);
  });

  it('a class target: non-writable prototype reported legally', () => {
    // A class's prototype is non-writable; the function placeholder's is made to match.
    class Thing {}
    const { p } = lazy(Thing);
    expect(Object.getOwnPropertyDescriptor(p, 'prototype')).toEqual({ value: Thing.prototype, writable: false, enumerable: false, configurable: false });
    expect(p.prototype).toBe(Thing.prototype);
    expect(Object.getOwnPropertyNames(p).sort()).toEqual(['length', 'name', 'prototype']);
  });

  it('a non-configurable accessor is reported legally', () => {
    // Accessors are mirrored with the same get/set.
    const target = {};
    const getter = (): number => 3;
    Object.defineProperty(target, 'x', { get: getter, enumerable: true, configurable: false });
    const { p } = lazy(target as { x: number });
    expect(Object.getOwnPropertyDescriptor(p, 'x')).toEqual({ get: getter, set: undefined, enumerable: true, configurable: false });
    expect(p.x).toBe(3);
    expect(Object.keys(p)).toEqual(['x']);
  });

  it('defining a non-configurable property through the proxy is legal', () => {
    // defineProperty mirrors the new non-configurable property.
    const { p } = lazy<Record<string, number>>({});
    Object.defineProperty(p, 'k', { value: 1, writable: false, configurable: false });
    expect(p['k']).toBe(1);
    expect(Reflect.deleteProperty(p, 'k')).toBe(false);
  });

  it('making an array\'s length non-writable through the proxy is legal', () => {
    // The array placeholder's own length is updated to agree.
    const { p } = lazy([1, 2]);
    Object.defineProperty(p, 'length', { writable: false });
    expect(Object.getOwnPropertyDescriptor(p, 'length')).toEqual({ value: 2, writable: false, enumerable: false, configurable: false });
    expect(() => p.push(3)).toThrow(TypeError);
  });

  it('a getter-heavy class instance: keys and descriptors legal', () => {
    // Only own properties are reported; prototype accessors are not.
    class Box {
      #v = 1;
      get v(): number {
        return this.#v;
      }
    }
    const { p } = lazy(new Box());
    expect(Object.keys(p)).toEqual([]);
    expect(p.v).toBe(1);
  });
});

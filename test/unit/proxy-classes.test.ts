// Transparency over class instances: instanceof, #private fields, accessors, bound methods.
import { describe, expect, it } from 'vitest';
import { extract, isResolved } from '../../src/proxy/control.js';
import { lazy, proxyOf } from './proxy-fixtures.js';

describe('class instances', () => {
  class Account {
    static created = 0;
    #balance: number;
    constructor(balance: number) {
      this.#balance = balance;
      Account.created += 1;
    }
    get balance(): number {
      return this.#balance;
    }
    set balance(value: number) {
      if (value < 0) throw new RangeError('negative');
      this.#balance = value;
    }
    deposit(amount: number): this {
      this.#balance += amount;
      return this;
    }
    describe(): string {
      return `balance ${this.#balance}`;
    }
  }

  it('instanceof sees the class', () => {
    // instanceof walks getPrototypeOf, which forwards.
    const p = proxyOf(new Account(5));
    expect(p instanceof Account).toBe(true);
    expect(p instanceof Object).toBe(true);
    expect(p instanceof Map).toBe(false);
  });

  it('methods using #private fields work', () => {
    // Inherited methods are bound to the target, so #balance is reachable.
    const p = proxyOf(new Account(5));
    expect(p.describe()).toBe('balance 5');
    p.deposit(5);
    expect(p.balance).toBe(10);
  });

  it('getters and setters run on the target', () => {
    // Accessors get the target as receiver (private fields again).
    const p = proxyOf(new Account(1));
    p.balance = 3;
    expect(p.balance).toBe(3);
    expect(() => {
      p.balance = -1;
    }).toThrow(RangeError);
  });

  it('a method returning this returns the target', () => {
    // Documented: bound methods see the target, so `this` is the target.
    const account = new Account(0);
    const p = proxyOf(account);
    expect(p.deposit(1)).toBe(account);
    expect(p.deposit(1).deposit(1).balance).toBe(3);
  });

  it('a method read twice is the same function', () => {
    // Bound methods are cached per proxy, so identity is stable.
    const p = proxyOf(new Account(0));
    // eslint-disable-next-line @typescript-eslint/unbound-method -- reading the method unbound is the point
    expect(p.describe).toBe(p.describe);
  });

  it('a detached method keeps working', () => {
    // Like a Python bound method: it stays tied to the target.
    const p = proxyOf(new Account(2));
    // eslint-disable-next-line @typescript-eslint/unbound-method -- detaching the method is the point
    const { describe: d } = p;
    expect(d()).toBe('balance 2');
  });

  it('constructor is the class itself', () => {
    // constructor is never bound, so p.constructor === Account.
    const p = proxyOf(new Account(0));
    expect(p.constructor).toBe(Account);
  });

  it('an object whose prototype is a proxy sees the proxy\'s properties', () => {
    // A proxy may sit in a prototype chain; writes land on the child.
    const parent = proxyOf<Record<string, number>>({ inherited: 1 });
    const child = Object.create(parent) as Record<string, number>;
    expect(child['inherited']).toBe(1);
    child['own'] = 2;
    expect(Object.hasOwn(child, 'own')).toBe(true);
    expect(extract(parent)).toEqual({ inherited: 1 });
  });

  it('resolving a class instance does not construct anything', () => {
    // The factory returns the stored instance; the proxy never calls the class.
    const before = Account.created;
    const { p } = lazy(new Account(1));
    const created = Account.created;
    void p.balance;
    expect(Account.created).toBe(created);
    expect(created).toBe(before + 1);
    expect(isResolved(p)).toBe(true);
  });
});

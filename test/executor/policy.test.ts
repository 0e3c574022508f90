/**
 * The executor's proxy policies: ProxyStore's should_proxy table, the size threshold, custom
 * named policies, and their rebuilding on a worker from the spec a task carries.
 */
import { describe, expect, it } from 'vitest';
import { policyFromSpec, proxyAlways, proxyLargerThan, proxyNever, proxyType, proxyWhen, type ProxyPolicy } from '../../src/executor/policy.js';
import { jsonProblem, reviveParsed } from '../../src/executor/json-value.js';

class Point {
  constructor(readonly x: number) {}
}

describe('proxy policies', () => {
  // ProxyStore's test_should_proxy, in JavaScript types.
  it.each<[string, ProxyPolicy, unknown, boolean]>([
    ['proxyAlways', proxyAlways(), 42, true],
    ['proxyNever', proxyNever(), 42, false],
    ['proxyType(number, string) on a number', proxyType('number', 'string'), 42, true],
    ['proxyType(number, string) on a string', proxyType('number', 'string'), '42', true],
    ['proxyType(number, string) on an array', proxyType('number', 'string'), [42], false],
  ])('%s', (_, policy, value, expected) => {
    expect(policy(value)).toBe(expected);
  });

  // Classes match by name along the prototype chain: a Buffer is a Uint8Array, a Point is not a Map.
  it('matches classes by name, subclasses included', () => {
    const policy = proxyType(Uint8Array, Point);
    expect(policy(Buffer.alloc(1))).toBe(true);
    expect(policy(new Point(1))).toBe(true);
    expect(policy(new Map())).toBe(false);
    expect(policy(null)).toBe(false);
    expect(policy.spec).toEqual({ kind: 'type', types: ['Uint8Array', 'Point'] });
  });

  // Sizes are byte lengths, UTF-8 lengths or JSON lengths; what JSON cannot carry is always large.
  it('proxies values larger than the threshold', () => {
    const policy = proxyLargerThan(8);
    expect(policy(new Uint8Array(9))).toBe(true);
    expect(policy(new Uint8Array(8))).toBe(false);
    expect(policy('ééééé')).toBe(true); // 10 UTF-8 bytes, 5 characters
    expect(policy('abcd')).toBe(false);
    expect(policy([1, 2, 3, 4])).toBe(true); // "[1,2,3,4]" is 9 bytes
    expect(policy([1, 2])).toBe(false);
    expect(policy(new Map())).toBe(true);
    expect(() => proxyLargerThan(-1)).toThrow(/non-negative integer number of bytes, got -1/);
  });

  // A custom policy travels by name; a worker that never defined it says which and where.
  it('rebuilds every policy from its spec, and names a custom policy a worker lacks', () => {
    const evens = proxyWhen('policy-test-evens', (v) => typeof v === 'number' && v % 2 === 0);
    for (const policy of [proxyAlways(), proxyNever(), proxyType('string', Uint8Array), proxyLargerThan(4), evens]) {
      const rebuilt = policyFromSpec(policy.spec, 'task-a');
      for (const value of [2, 3, 'text', new Uint8Array(8), [1]]) expect(rebuilt(value)).toBe(policy(value));
    }
    expect(() => proxyWhen('policy-test-evens', () => true)).toThrow(/already defined/);
    expect(() => policyFromSpec({ kind: 'named', name: 'nowhere' }, 'task-b')).toThrow(/Task "task-b" asks for the proxy policy "nowhere", which this worker never defined: call proxyWhen\("nowhere"/);
    expect(() => proxyType(class {})).toThrow(/anonymous class/);
    expect(() => proxyType()).toThrow(/at least one type/);
  });
});

describe('JSON checks', () => {
  // Each lossy value is named with where it sits, so the error can point at it.
  it('names the first part JSON would mangle, and passes faithful JSON', () => {
    expect(jsonProblem({ a: [1, 'x', null, { b: true }] })).toBeUndefined();
    expect(jsonProblem(new Map())).toBe('a Map');
    expect(jsonProblem({ rows: [1, new Uint8Array(2)] })).toBe('a Uint8Array at rows[1]');
    expect(jsonProblem([undefined])).toBe('undefined at [0]');
    expect(jsonProblem({ n: Number.NaN })).toBe('NaN at n');
    expect(jsonProblem(10n)).toBe('a bigint');
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(jsonProblem(cycle)).toBe('a cycle at self');
    expect(jsonProblem(new Date(0))).toBeUndefined(); // it has its own toJSON
  });

  // Reviving parsed JSON visits values in JSON.parse's order, with the same holders and keys.
  it('revives parsed JSON as JSON.parse would', () => {
    const text = JSON.stringify({ a: [1, { b: 2 }], c: 'd' });
    const seen: string[] = [];
    const seenParse: string[] = [];
    const record = (into: string[]) => (key: string, value: unknown) => (into.push(key), typeof value === 'number' ? value * 10 : value);
    expect(reviveParsed(JSON.parse(text), record(seen))).toEqual(JSON.parse(text, record(seenParse)));
    expect(seen).toEqual(seenParse);
  });
});

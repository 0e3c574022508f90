/**
 * ProxyStore's MultiConnector tests (`tests/connectors/multi_test.py`), ported: policies by host,
 * size and tags; routing by priority, size and tags; no match; unknown connectors; dormant
 * connectors rebuilt from the config on another host. Hosts are told through the `hostname`
 * option instead of patching the host name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accepts, fullPolicy, policyJson, validOnHost, type Policy } from '../../src/connectors/multi-policy.js';
import { InvalidArgumentError, LocalConnector, MultiConnector, MultiConnectorError, NotImplementedError, Store } from '../../src/index.js';
import type { Connector, MultiKey, Payload } from '../../src/index.js';

const full = (p: Policy) => fullPolicy(p, 'the test');
const bytes = (text: string): Payload => ({ codec: 'bytes', data: new TextEncoder().encode(text) });
const opened: Connector[] = [];

function twoLocal(p1: Policy, p2: Policy, hostname?: string): { multi: MultiConnector; c1: LocalConnector; c2: LocalConnector } {
  const c1 = new LocalConnector();
  const c2 = new LocalConnector();
  const multi = new MultiConnector({ c1: { connector: c1, policy: p1 }, c2: { connector: c2, policy: p2 } }, { hostname });
  opened.push(multi);
  return { multi, c1, c2 };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

describe('Policy', () => {
  // A default policy takes any object on any host; a pattern must match the whole host name, one of a list is enough.
  it('validates the host', () => {
    expect(accepts(full({}), {})).toBe(true);
    expect(validOnHost(full({}))).toBe(true);
    const policy = full({ hostPattern: '(testhost|otherhost)' });
    expect(accepts(policy, {}, 'testhost')).toBe(true);
    expect(validOnHost(policy, 'testhost')).toBe(true);
    expect(accepts(policy, {}, 'thirdhost')).toBe(false);
    expect(validOnHost(policy, 'thirdhost')).toBe(false);
    expect(validOnHost(policy, 'testhost2')).toBe(false); // a full match, not a search
    expect(validOnHost(full({ hostPattern: ['(texthost|otherhost)', 'thirdhost'] }), 'thirdhost')).toBe(true);
  });

  // Size bounds are inclusive; an object without a size (a future's) is not checked against them.
  it('validates the size', () => {
    const policy = full({ minSizeBytes: 1, maxSizeBytes: 100 });
    expect(accepts(policy, {})).toBe(true);
    expect(accepts(policy, { sizeBytes: 1 })).toBe(true);
    expect(accepts(policy, { sizeBytes: 100 })).toBe(true);
    expect(accepts(policy, { sizeBytes: 0 })).toBe(false);
    expect(accepts(policy, { sizeBytes: 101 })).toBe(false);
  });

  // An object's subset tags must all be among the policy's.
  it('validates subset tags', () => {
    expect(accepts(full({}), {})).toBe(true);
    expect(accepts(full({}), { subsetTags: ['anything'] })).toBe(false);
    const policy = full({ subsetTags: ['a', 'b'] });
    expect(accepts(policy, { subsetTags: ['a'] })).toBe(true);
    expect(accepts(policy, { subsetTags: ['a', 'b'] })).toBe(true);
    expect(accepts(policy, { subsetTags: ['other'] })).toBe(false);
  });

  // An object's superset tags must include all of the policy's.
  it('validates superset tags', () => {
    expect(accepts(full({}), { supersetTags: ['anything'] })).toBe(true);
    const policy = full({ supersetTags: ['a', 'b'] });
    expect(accepts(policy, { supersetTags: ['a', 'b', 'c'] })).toBe(true);
    expect(accepts(policy, { supersetTags: ['a'] })).toBe(false);
    expect(accepts(policy, { supersetTags: ['c'] })).toBe(false);
  });

  // The JSON form survives JSON and reads back to an equal policy.
  it.each<Policy>([{ priority: 42 }, { minSizeBytes: 1, maxSizeBytes: 2 }, { subsetTags: ['a', 'b'], supersetTags: ['c'] }, { hostPattern: 'h.*' }])(
    'round-trips %j through JSON',
    (p) => {
      const json = JSON.parse(JSON.stringify(policyJson(full(p)))) as unknown;
      expect(fullPolicy(json, 'the test')).toEqual(full(p));
    },
  );

  // Malformed policies are refused with the field named.
  it('refuses malformed policies', () => {
    expect(() => full({ minSizeBytes: -1 })).toThrow(/minSizeBytes/);
    expect(() => full({ minSizeBytes: 10, maxSizeBytes: 5 })).toThrow(/takes no object/);
    expect(() => full({ hostPattern: '(' })).toThrow(InvalidArgumentError);
    expect(() => full({ subsetTags: 'a' as unknown as string[] })).toThrow(/subsetTags/);
  });
});

describe('MultiConnector', () => {
  // The higher priority wins when both policies accept the object.
  it('routes by priority', async () => {
    const { multi, c1, c2 } = twoLocal({ priority: 1 }, { priority: 2 });
    const key = await multi.put(bytes('value'));
    expect(key.connector).toBe('c2');
    expect(await c1.exists(key.key as never)).toBe(false);
    expect(await c2.exists(key.key as never)).toBe(true);
  });

  // The object's size picks the connector.
  it('routes by size', async () => {
    const { multi, c1, c2 } = twoLocal({ maxSizeBytes: 1 }, { minSizeBytes: 2 });
    const key = await multi.put(bytes('value'));
    expect(await c1.exists(key.key as never)).toBe(false);
    expect(await c2.exists(key.key as never)).toBe(true);
  });

  // Tags pick the connector.
  it('routes by tags', async () => {
    const { multi, c1, c2 } = twoLocal({ priority: 1, subsetTags: ['a', 'b'] }, { priority: 2, supersetTags: ['x', 'y'] });
    const k1 = await multi.put(bytes('value'), { subsetTags: ['a'] });
    expect(await c1.exists(k1.key as never)).toBe(true);
    expect(await c2.exists(k1.key as never)).toBe(false);
    const k2 = await multi.put(bytes('value'), { supersetTags: ['x', 'y', 'z'] });
    expect(await c1.exists(k2.key as never)).toBe(false);
    expect(await c2.exists(k2.key as never)).toBe(true);
  });

  // A batch is split between connectors by size and comes back in order.
  it('splits a batch by policy and keeps the order', async () => {
    const { multi } = twoLocal({ maxSizeBytes: 3 }, { minSizeBytes: 4 });
    const keys = await multi.putBatch([bytes('a'), bytes('large'), bytes('bb'), bytes('larger')]);
    expect(keys.map((k) => k.connector)).toEqual(['c1', 'c2', 'c1', 'c2']);
    const got = await multi.getBatch([keys[3]!, keys[0]!, keys[1]!]);
    expect(got.map((p) => new TextDecoder().decode(p?.data))).toEqual(['larger', 'a', 'large']);
  });

  // No policy accepting the object is a MultiConnectorError that names the object and every policy.
  it('refuses an object no policy accepts, saying why', async () => {
    const multi = new MultiConnector({ connector: { connector: new LocalConnector(), policy: { maxSizeBytes: 1 } } });
    opened.push(multi);
    const error = (await multi.put(bytes('value')).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(MultiConnectorError);
    expect(error.message).toMatch(/policy/);
    expect(error.message).toContain('5 bytes');
    expect(error.message).toContain('"connector" (priority 0, 0 to 1 bytes');
  });

  // The same error reaches a store's user, from put and from proxy.
  it('refuses through a store too', async () => {
    const store = new Store('multi-no-match', new MultiConnector({ only: { connector: new LocalConnector(), policy: { subsetTags: ['small'] } } }));
    await expect(store.put('x', { subsetTags: ['large'] })).rejects.toBeInstanceOf(MultiConnectorError);
    await expect(store.proxy({ big: true }, { subsetTags: ['large'] })).rejects.toThrow(/No connector policy/);
    expect(await store.get(await store.put('x', { subsetTags: ['small'] }))).toBe('x');
    await store.close();
  });

  // A key naming a connector this MultiConnector lacks is refused, naming it.
  it('refuses a key of a connector it does not have', async () => {
    const multi = new MultiConnector({ connector: { connector: new LocalConnector() } });
    opened.push(multi);
    const key = await multi.put(bytes('value'));
    const other: MultiKey = { ...key, connector: 'missing' };
    await expect(multi.exists(other)).rejects.toThrow(/"missing", which this MultiConnector does not have/);
    await expect(multi.exists({ id: 'x' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  // fromConfig rebuilds it, with every connector's config and policy.
  it('rebuilds from its config', async () => {
    const { multi } = twoLocal({ priority: 1, subsetTags: ['a', 'b'] }, { priority: 2, supersetTags: ['x', 'y'] });
    const key = await multi.put(bytes('value'), { subsetTags: ['a'] });
    const config = JSON.parse(JSON.stringify(multi.config())) as ReturnType<MultiConnector['config']>;
    const rebuilt = MultiConnector.fromConfig(config);
    opened.push(rebuilt);
    expect(rebuilt.connectorNames).toEqual(['c2', 'c1']);
    expect(new TextDecoder().decode((await rebuilt.get(key))?.data)).toBe('value');
  });

  // Rebuilt on another host, a connector whose pattern excludes it is dormant: never chosen for
  // new objects or futures (ProxyStore's rule), but its keys still resolve and its futures can be
  // set (ProxyStore refuses both).
  it('builds dormant connectors that resolve but take no new objects', async () => {
    const { multi } = twoLocal({ hostPattern: 'testhost', subsetTags: ['a'] }, { hostPattern: 'otherhost', subsetTags: ['b'] }, 'otherhost');
    const key2 = await multi.put(bytes('data'), { subsetTags: ['b'] });
    expect(key2.connector).toBe('c2');
    const onTesthost = MultiConnector.fromConfig(multi.config(), { hostname: 'testhost' });
    opened.push(onTesthost);
    const key1 = await onTesthost.put(bytes('data'), { subsetTags: ['a'] });
    expect(await onTesthost.exists(key1)).toBe(true);
    const refused = (await onTesthost.put(bytes('data'), { subsetTags: ['b'] }).catch((e: unknown) => e)) as Error;
    expect(refused).toBeInstanceOf(MultiConnectorError);
    expect(refused.message).toMatch(/constraints|accepts/);
    expect(refused.message).toContain('dormant on this host (hostPattern does not match): c2');
    expect(new TextDecoder().decode((await onTesthost.get(key2))?.data)).toBe('data');
    // A future made where c2 is active is set, and awaited, where it is dormant.
    const futureKey = await multi.newKey({ subsetTags: ['b'] });
    await expect(onTesthost.newKey({ subsetTags: ['b'] })).rejects.toBeInstanceOf(MultiConnectorError);
    const waiting = onTesthost.awaitKey(futureKey, { timeoutMs: 10_000 });
    await onTesthost.set(futureKey, bytes('set on testhost'));
    expect(new TextDecoder().decode((await waiting).data)).toBe('set on testhost');
  });

  // Rebuilt from a config, a connector is built when one of its keys is first met, not before:
  // a process that never meets a kind it cannot load is not stopped by it.
  it('builds the connectors of a rebuilt config on first use', async () => {
    const local = new LocalConnector();
    opened.push(local);
    const config = { kind: 'multi', connectors: { here: { connector: local.config(), policy: {} }, elsewhere: { connector: { kind: 'nowhere' }, policy: { priority: -1 } } } };
    const rebuilt = MultiConnector.fromConfig(config);
    opened.push(rebuilt);
    const key = await rebuilt.put(bytes('fine'));
    expect(key.connector).toBe('here');
    expect(new TextDecoder().decode((await rebuilt.get(key))?.data)).toBe('fine');
    await expect(rebuilt.get({ connector: 'elsewhere', key: { id: 'x' } })).rejects.toThrow(/Unknown connector kind "nowhere"/);
  });

  // Tags reach the MultiConnector through a store that measures itself (metrics wrap the connector).
  it('routes by tags through a store with metrics', async () => {
    const { multi } = twoLocal({ subsetTags: ['a'] }, { subsetTags: ['b'] });
    const store = new Store('multi-metrics', multi, { metrics: true });
    const [a, b] = [await store.put('x', { subsetTags: ['a'] }), await store.put('y', { subsetTags: ['b'] })] as MultiKey[];
    expect([a?.connector, b?.connector]).toEqual(['c1', 'c2']);
    expect((await store.future({ subsetTags: ['b'] })).key).toMatchObject({ connector: 'c2' });
  });

  // A future on a connector that cannot push is awaited by polling it.
  it('awaits a key of a connector that cannot push by polling it', async () => {
    const local = new LocalConnector();
    const pollOnly = {
      kind: 'poll-only',
      put: (p: Payload) => local.put(p),
      putBatch: (ps: readonly Payload[]) => local.putBatch(ps),
      get: (k: never) => local.get(k),
      getBatch: (ks: never[]) => local.getBatch(ks),
      exists: (k: never) => local.exists(k),
      evict: (k: never) => local.evict(k),
      newKey: () => local.newKey(),
      set: (k: never, p: Payload) => local.set(k, p),
      config: () => local.config(),
      close: () => local.close(),
      [Symbol.asyncDispose]: () => local.close(),
    } as unknown as Connector;
    const multi = new MultiConnector({ only: { connector: pollOnly } });
    opened.push(multi);
    const key = await multi.newKey();
    const waiting = multi.awaitKey(key, { timeoutMs: 10_000 });
    expect(await multi.exists(key)).toBe(false);
    await multi.set(key, bytes('polled'));
    expect(new TextDecoder().decode((await waiting).data)).toBe('polled');
    await expect(multi.awaitKey(await multi.newKey(), { timeoutMs: 30 })).rejects.toThrow(/did not finish within 30 ms/);
  });

  // A future goes to the connector its tags choose; a non-deferrable choice is refused, naming it.
  it('is deferrable when the connector chosen for a future is', async () => {
    const plain: Connector = Object.assign(Object.create(null) as object, {
      kind: 'plain',
      put: () => Promise.resolve({ id: 'x' }),
      config: () => ({ kind: 'plain' }),
      close: () => Promise.resolve(),
    }) as unknown as Connector;
    const multi = new MultiConnector({ memory: { connector: new LocalConnector(), policy: { subsetTags: ['f'] } }, plain: { connector: plain, policy: { priority: 1 } } });
    opened.push(multi);
    const store = new Store('multi-futures', multi);
    const future = await store.future<string>({ subsetTags: ['f'] });
    expect((future.key as MultiKey).connector).toBe('memory');
    await future.setResult('done');
    expect(await future.result()).toBe('done');
    const error = (await store.future().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NotImplementedError);
    expect(error.message).toContain('"plain" (plain) does not implement DeferrableConnector');
  });
});

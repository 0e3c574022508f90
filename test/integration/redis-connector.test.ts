/**
 * RedisConnector beyond the conformance suite, against the real redis-server the global setup
 * started: several instances and processes on one server, push-based waits that leave no
 * subscription behind, atomic values, connection lifetime, bad input.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorFromConfig } from '../../src/connectors/registry.js';
import { RedisConnector, type RedisConnectorOptions, type RedisKey } from '../../src/connectors/redis.js';
import {
  ClosedError,
  DataCorruptedError,
  DeadlineExceededError,
  InvalidArgumentError,
  KeyExistsError,
  KeyNotFoundError,
  LimitExceededError,
} from '../../src/errors.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { waitFor } from '../helpers/wait-for.js';
import { redisUrl } from '../setup/redis-url.js';

const utf8 = (text: string): { codec: string; data: Uint8Array } => ({ codec: 'utf8', data: Buffer.from(text) });
const text = (p: { data: Uint8Array } | undefined): string | undefined => (p === undefined ? undefined : Buffer.from(p.data).toString('utf8'));

describe('RedisConnector', () => {
  let url: string;
  let adminClient: Redis | undefined;
  let admin: Redis;
  let prefix: string;
  let opened: RedisConnector[];
  let children: ChildNode[];
  const open = (options: RedisConnectorOptions = {}): RedisConnector => {
    const c = new RedisConnector({ url, prefix, ...options });
    opened.push(c);
    return c;
  };
  // Subscribers of a key's channel, as the server counts them.
  const subscribers = async (c: RedisConnector, key: RedisKey): Promise<number> => {
    const reply = (await admin.call('PUBSUB', 'NUMSUB', `${c.prefix}${key.id}`)) as [string, number];
    return reply[1];
  };

  afterAll(async () => {
    await adminClient?.quit();
  });
  beforeEach(() => {
    // Fails each test, loudly, with the install hint when there is no redis-server (in a
    // beforeAll it would report them as skipped instead).
    url = redisUrl();
    admin = adminClient ??= new Redis(url);
    prefix = `it:${randomUUID()}:`;
    opened = [];
    children = [];
  });
  afterEach(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await Promise.all(opened.map((c) => c.close()));
  });

  // A set through one instance reaches a waiter on another instance by pub/sub, after its subscription is in place.
  it('wakes a waiter on another instance when the key is set', async () => {
    const [producer, consumer] = [open(), open()];
    const key = await producer.newKey();
    const waiting = consumer.awaitKey(key, { timeoutMs: 10_000 });
    await waitFor(async () => (await subscribers(consumer, key)) === 1, 'the consumer subscribed');
    await producer.set(key, utf8('pushed'));
    expect(text(await waiting)).toBe('pushed');
    expect(consumer.stats()).toEqual({ waiters: 0, subscriptions: 0 });
  });

  // Evicting a pending key through one instance ends waiters on another with KeyNotFoundError.
  it('ends waiters on other instances with KeyNotFoundError when the pending key is evicted', async () => {
    const [owner, consumer] = [open(), open()];
    const key = await owner.newKey();
    const caught = consumer.awaitKey(key, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await waitFor(async () => (await subscribers(consumer, key)) === 1, 'the consumer subscribed');
    await owner.evict(key);
    expect(await caught).toBeInstanceOf(KeyNotFoundError);
    await expect(consumer.set(key, utf8('late'))).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  // Waiting on a key that was never made fails at once instead of hanging.
  it('refuses to wait on a key nobody created', async () => {
    await expect(open().awaitKey({ id: 'f'.repeat(32) }, { timeoutMs: 10_000 })).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  // Aborted, timed-out and fulfilled waits leave no waiter and no subscription, here or on the server.
  it('leaves no waiters or subscriptions behind after abort, timeout or set', async () => {
    const c = open();
    const key = await c.newKey();
    const controller = new AbortController();
    const aborted = c.awaitKey(key, { signal: controller.signal }).catch((e: unknown) => e);
    const fulfilled = c.awaitKey(key);
    await waitFor(() => c.stats().waiters === 2, 'both waits are registered');
    expect(c.stats().subscriptions).toBe(1);
    controller.abort(new Error('gave up'));
    expect(await aborted).toEqual(new Error('gave up'));
    // Started only now, so its deadline cannot pass before the others are registered.
    expect(await c.awaitKey(key, { timeoutMs: 50 }).catch((e: unknown) => e)).toBeInstanceOf(DeadlineExceededError);
    expect(c.stats()).toEqual({ waiters: 1, subscriptions: 1 });
    await c.set(key, utf8('done'));
    expect(text(await fulfilled)).toBe('done');
    expect(c.stats()).toEqual({ waiters: 0, subscriptions: 0 });
    await waitFor(async () => (await subscribers(c, key)) === 0, 'the server dropped the subscription');
  });

  // Two instances racing set() on the same keys: the Lua script lets exactly one win each key.
  it('lets exactly one of two concurrent setters win, in one process', async () => {
    const [a, b] = [open(), open()];
    const keys = await Promise.all(Array.from({ length: 20 }, () => a.newKey()));
    const results = await Promise.all(keys.map((k) => Promise.allSettled([a.set(k, utf8('a')), b.set(k, utf8('b'))])));
    for (const [i, [ra, rb]] of results.entries()) {
      expect([ra.status, rb.status].sort()).toEqual(['fulfilled', 'rejected']);
      const loser = ra.status === 'rejected' ? ra : rb;
      expect(loser.status === 'rejected' && loser.reason).toBeInstanceOf(KeyExistsError);
      expect(text(await b.get(keys[i]!))).toBe(ra.status === 'fulfilled' ? 'a' : 'b');
    }
  });

  // Another process racing this one on set(): one winner per key, and the winner's value stays.
  it('lets exactly one of two processes win each set', async () => {
    const local = open();
    const child = spawnNode('connector-node', [JSON.stringify(local.config())]);
    children.push(child);
    await child.ready;
    const keys = await Promise.all(Array.from({ length: 40 }, () => local.newKey()));
    // The child starts when it hears `trigger` set, the moment this process starts too; in
    // opposite orders, so the two writers are bound to meet on some keys mid-way.
    const trigger = await local.newKey();
    const childDone = child.call<string[]>('setMany', { keys, trigger, text: 'child' });
    await waitFor(async () => (await subscribers(local, trigger)) === 1, 'the child waits for the trigger');
    await local.set(trigger, utf8('go'));
    const [childResults, localResults] = await Promise.all([
      childDone,
      Promise.all([...keys].reverse().map((k) => local.set(k, utf8('parent')).then(() => 'ok', (e: Error) => e.name))),
    ]);
    localResults.reverse();
    for (const [i, key] of keys.entries()) {
      expect([childResults[i], localResults[i]].sort()).toEqual(['KeyExistsError', 'ok']);
      expect(text(await local.get(key))).toBe(childResults[i] === 'ok' ? 'child' : 'parent');
    }
  });

  // A set made by another process wakes a waiter here.
  it('wakes a waiter in this process when another process sets the key', async () => {
    const local = open();
    const child = spawnNode('connector-node', [JSON.stringify(local.config())]);
    children.push(child);
    await child.ready;
    const key = await local.newKey();
    const waiting = local.awaitKey(key, { timeoutMs: 10_000 });
    await waitFor(async () => (await subscribers(local, key)) === 1, 'this process subscribed');
    await child.call('set', { key, text: 'from the child' });
    expect(text(await waiting)).toBe('from the child');
  });

  // A reader polling keys while 16 MiB values are set sees nothing or the whole value, never part of it.
  it('never shows a reader a partly written object', async () => {
    const [writer, reader] = [open(), open()];
    const data = patternBytes(16 * 1024 * 1024, 'atomic');
    const digest = sha256(data);
    const keys = await Promise.all(Array.from({ length: 4 }, () => writer.newKey()));
    const readUntilSet = async (key: RedisKey): Promise<void> => {
      for (;;) {
        const got = await reader.get(key);
        if (got === undefined) continue;
        expect(got.codec).toBe('bytes');
        expect(sha256(got.data)).toBe(digest);
        return;
      }
    };
    await Promise.all([...keys.map(readUntilSet), ...keys.map((k) => writer.set(k, { codec: 'bytes', data }))]);
  });

  // Batches are one MSET / MGET; empty batches need no round trip; pending keys read as missing.
  it('handles empty batches and pending keys in batches', async () => {
    const c = open();
    expect(await c.putBatch([])).toEqual([]);
    expect(await c.getBatch([])).toEqual([]);
    const [k1] = await c.putBatch([utf8('one')]);
    const pending = await c.newKey();
    expect((await c.getBatch([k1!, pending])).map(text)).toEqual(['one', undefined]);
  });

  // Malformed keys are refused with an error that quotes them, before any command is sent.
  it.each([
    ['a glob', { id: '*' }],
    ['a short id', { id: 'abc' }],
    ['upper case', { id: 'A'.repeat(32) }],
    ['an extra field', { id: 'a'.repeat(32), prefix: 'other:' }],
    ['null', null],
    ['a string', 'a'.repeat(32)],
  ])('rejects %s as a key', async (_what, bad) => {
    const c = open();
    const key = bad as unknown as RedisKey;
    for (const call of [() => c.get(key), () => c.exists(key), () => c.evict(key), () => c.set(key, utf8('x')), () => c.awaitKey(key), () => c.getBatch([key])]) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(JSON.stringify(bad));
    }
  });

  // Oversized payloads, bad codecs and bad options are refused with named errors.
  it('rejects oversized payloads, bad codecs and malformed options', async () => {
    const c = open({ maxObjectBytes: 1024 });
    await expect(c.put({ codec: 'bytes', data: new Uint8Array(2048) })).rejects.toBeInstanceOf(LimitExceededError);
    await expect(c.put({ codec: '', data: new Uint8Array(1) })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new RedisConnector({ url: 'http://localhost' })).toThrow(InvalidArgumentError);
    expect(() => new RedisConnector({ url, port: 6379 })).toThrow(InvalidArgumentError);
    expect(() => new RedisConnector({ port: 70_000 })).toThrow(InvalidArgumentError);
    await expect(connectorFromConfig({ kind: 'redis', port: '6379' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  // A value under the prefix that proxymesh did not write is reported as corruption, not returned.
  it('reports a foreign value as DataCorruptedError', async () => {
    const c = open();
    const id = 'c'.repeat(32);
    await admin.set(`${prefix}${id}`, 'plain text');
    await expect(c.get({ id })).rejects.toBeInstanceOf(DataCorruptedError);
  });

  // The host/port form works, and config() rebuilds a connector on the same server, db and prefix (without clear).
  it('connects by host and port and rebuilds from config()', async () => {
    const { hostname, port } = new URL(url);
    const c = open({ url: undefined, host: hostname, port: Number(port), db: 1, clear: true });
    expect(c.config()).toEqual({ kind: 'redis', host: hostname, port: Number(port), db: 1, prefix, maxObjectBytes: 512 * 1024 * 1024 });
    const key = await c.put(utf8('in db 1'));
    const other = await connectorFromConfig(c.config());
    expect(text(await other.get(key))).toBe('in db 1');
    await other.close();
    expect(text(await c.get(key))).toBe('in db 1');
    expect(await admin.exists(`${prefix}${key.id}`)).toBe(0); // db 0 is untouched
  });

  // clear: true deletes this prefix's keys on close, and nothing else; the default keeps them.
  it('deletes its own keys on close only with clear', async () => {
    const neighbour = open({ prefix: `${prefix}neighbour:` });
    const kept = await neighbour.put(utf8('not mine'));
    const keeper = open();
    const stays = await keeper.put(utf8('stays'));
    await keeper.close();
    expect(await admin.exists(`${prefix}${stays.id}`)).toBe(1);
    const clearer = open({ prefix: `${prefix}mine:`, clear: true });
    const keys = await clearer.putBatch(Array.from({ length: 50 }, (_, i) => utf8(`v${i}`)));
    await clearer.close();
    expect(await admin.exists(...keys.map((k) => `${prefix}mine:${k.id}`))).toBe(0);
    expect(text(await neighbour.get(kept))).toBe('not mine');
  });

  // close() ends waits with ClosedError, quits both connections, is idempotent, and refuses later calls.
  it('closes once, ending waits, quitting its connections and refusing later calls', async () => {
    const c = open();
    const key = await c.newKey();
    const caught = c.awaitKey(key).catch((e: unknown) => e);
    await waitFor(async () => (await subscribers(c, key)) === 1, 'the subscriber connection is up');
    const connections = async (): Promise<number> => ((await admin.client('LIST')) as string).split('\n').filter((l) => l.includes(` name=${c.clientName} `)).length;
    expect(await connections()).toBe(2);
    await Promise.all([c.close(), c.close()]);
    expect(await caught).toBeInstanceOf(ClosedError);
    await waitFor(async () => (await connections()) === 0, 'both connections are gone');
    await expect(c.get(key)).rejects.toBeInstanceOf(ClosedError);
  });

  // A set made while the waiter's subscriber connection was down still wakes it once the connection is back.
  it('wakes a waiter whose subscriber connection was killed and came back', async () => {
    const [producer, consumer] = [open(), open()];
    const key = await producer.newKey();
    const waiting = consumer.awaitKey(key, { timeoutMs: 10_000 });
    await waitFor(async () => (await subscribers(consumer, key)) === 1, 'the consumer subscribed');
    const list = (await admin.client('LIST')) as string;
    const subscriber = list.split('\n').find((l) => l.includes(` name=${consumer.clientName} `) && / sub=[1-9]/.test(l));
    const id = / id=(\d+) /.exec(` ${subscriber ?? ''}`)?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id!);
    // Unless the connection is back already, this set's notice reaches nobody: the waiter
    // must learn of it from the recheck that follows the resubscription.
    await producer.set(key, utf8('after reconnect'));
    expect(text(await waiting)).toBe('after reconnect');
  });

  // An unreachable server makes calls fail by their deadline instead of hanging.
  it('fails calls by their deadline when the server is unreachable', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const c = open({ url: undefined, host: '127.0.0.1', port });
    await expect(c.get({ id: 'a'.repeat(32) }, { timeoutMs: 200 })).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(c.awaitKey({ id: 'a'.repeat(32) }, { timeoutMs: 200 })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(c.stats()).toEqual({ waiters: 0, subscriptions: 0 });
  });
});

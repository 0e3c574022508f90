/**
 * FileConnector beyond the conformance suite: several instances and processes on one
 * directory, atomic writes, objects past 2 GiB, waits that leave nothing behind, bad input.
 */
import { mkdtempSync } from 'node:fs';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileConnector, type FileConnectorOptions, type FileKey } from '../../src/connectors/file.js';
import { connectorFromConfig } from '../../src/connectors/registry.js';
import { ClosedError, DataCorruptedError, DeadlineExceededError, InvalidArgumentError, KeyExistsError, KeyNotFoundError } from '../../src/errors.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { patternBytes, sha256 } from '../helpers/data.js';

const utf8 = (text: string): { codec: string; data: Uint8Array } => ({ codec: 'utf8', data: Buffer.from(text) });
const text = (p: { data: Uint8Array } | undefined): string | undefined => (p === undefined ? undefined : Buffer.from(p.data).toString('utf8'));

describe('FileConnector', () => {
  let directory: string;
  let opened: FileConnector[];
  let children: ChildNode[];
  const open = (options: Partial<FileConnectorOptions> = {}): FileConnector => {
    const c = new FileConnector({ directory, ...options });
    opened.push(c);
    return c;
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'proxymesh-file-it-'));
    opened = [];
    children = [];
  });
  afterEach(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await Promise.all(opened.map((c) => c.close()));
    await rm(directory, { recursive: true, force: true });
  });

  // A set through one instance wakes, through fs.watch, a waiter on another instance of the directory.
  it('wakes a waiter on another instance when the key is set', async () => {
    const [producer, consumer] = [open(), open()];
    const key = await producer.newKey();
    const waiting = consumer.awaitKey(key, { timeoutMs: 10_000 });
    expect(consumer.stats()).toEqual({ waiters: 1, watching: true });
    await producer.set(key, utf8('across instances'));
    expect(text(await waiting)).toBe('across instances');
    expect(consumer.stats()).toEqual({ waiters: 0, watching: false });
  });

  // With fs.watch off (a shared file system that sends no events), the slow poll alone wakes the waiter.
  it('falls back to the poll when there are no change events', async () => {
    const producer = open();
    const consumer = open({ watch: false, pollIntervalMs: 20 });
    const key = await producer.newKey();
    const waiting = consumer.awaitKey(key, { timeoutMs: 10_000 });
    await producer.set(key, utf8('polled'));
    expect(text(await waiting)).toBe('polled');
  });

  // Evicting a pending key through one instance ends waiters on another with KeyNotFoundError.
  it('ends waiters on other instances with KeyNotFoundError when the pending key is evicted', async () => {
    const [owner, consumer] = [open(), open()];
    const key = await owner.newKey();
    const caught = consumer.awaitKey(key, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await owner.evict(key);
    expect(await caught).toBeInstanceOf(KeyNotFoundError);
    await expect(consumer.set(key, utf8('late'))).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  // Waiting on a key that was never made fails at once instead of hanging.
  it('refuses to wait on a key nobody created', async () => {
    await expect(open().awaitKey({ id: 'f'.repeat(32) }, { timeoutMs: 10_000 })).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  // Aborted, timed-out and fulfilled waits all leave no waiter, watcher or timer behind.
  it('leaves no waiters behind after abort, timeout or set', async () => {
    const c = open();
    const key = await c.newKey();
    const controller = new AbortController();
    const aborted = c.awaitKey(key, { signal: controller.signal }).catch((e: unknown) => e);
    const timedOut = c.awaitKey(key, { timeoutMs: 30 }).catch((e: unknown) => e);
    const fulfilled = c.awaitKey(key);
    expect(c.stats()).toEqual({ waiters: 3, watching: true });
    controller.abort(new Error('gave up'));
    expect(await aborted).toEqual(new Error('gave up'));
    expect(await timedOut).toBeInstanceOf(DeadlineExceededError);
    expect(c.stats()).toEqual({ waiters: 1, watching: true });
    await c.set(key, utf8('done'));
    expect(text(await fulfilled)).toBe('done');
    expect(c.stats()).toEqual({ waiters: 0, watching: false });
  });

  // Two instances racing set() on the same keys: exactly one wins each key and its value stays.
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

  // Another process racing this one on set(): the exclusive lock file makes one winner per key.
  it('lets exactly one of two processes win each set', async () => {
    const local = open();
    const child = spawnNode('connector-node', [JSON.stringify(local.config())]);
    children.push(child);
    await child.ready;
    const keys = await Promise.all(Array.from({ length: 40 }, () => local.newKey()));
    // Opposite orders, so the two writers are bound to meet on some keys mid-way.
    const [childResults, localResults] = await Promise.all([
      child.call<string[]>('setMany', { keys, text: 'child' }),
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
    await child.call('set', { key, text: 'from the child' });
    expect(text(await waiting)).toBe('from the child');
  });

  // A reader polling a key while a 16 MiB value is written sees nothing or the whole value, never part of it.
  it('never shows a reader a partly written object', async () => {
    const [writer, reader] = [open(), open()];
    const data = patternBytes(16 * 1024 * 1024, 'atomic');
    const digest = sha256(data);
    const keys = await Promise.all(Array.from({ length: 4 }, () => writer.newKey()));
    let reads = 0;
    const readUntilSet = async (key: FileKey): Promise<void> => {
      for (;;) {
        const got = await reader.get(key);
        reads += 1;
        if (got === undefined) continue;
        expect(got.data.byteLength).toBe(data.byteLength);
        expect(sha256(got.data)).toBe(digest);
        return;
      }
    };
    await Promise.all([...keys.map(readUntilSet), ...keys.map((k) => writer.set(k, { codec: 'bytes', data }))]);
    expect(reads).toBeGreaterThanOrEqual(keys.length);
    // No temp file is left over once the writes are done.
    expect((await readdir(directory)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  // An object past 2^31 bytes round-trips whole: no silent truncation (a past ProxyStore bug).
  it('round-trips an object larger than 2 GiB', async () => {
    const c = open();
    const size = 2 ** 31 + 17;
    const data = Buffer.alloc(size);
    const offsets = [0, 1, 2 ** 30, 2 ** 31 - 8192, size - 1];
    offsets.forEach((offset, i) => (data[offset] = 11 + i * 31));
    // Distinct bytes across the 2^31 boundary, where a truncating write would stop.
    const boundary = patternBytes(4096 + 16, 'boundary');
    boundary.copy(data, 2 ** 31 - 4096);
    const key = await c.put({ codec: 'bytes', data });
    expect((await stat(join(directory, `${key.id}.data`))).size).toBe(size);
    const got = await c.get(key);
    expect(got?.data.byteLength).toBe(size);
    for (const [i, offset] of offsets.entries()) expect(got!.data[offset]).toBe(11 + i * 31);
    expect(Buffer.from(got!.data.subarray(2 ** 31 - 4096, size - 1)).equals(boundary)).toBe(true);
    await c.evict(key);
  }, 180_000);

  // Malformed keys, including path traversal, are refused with an error that quotes them.
  it.each([
    ['a traversal', { id: '../../etc/passwd' }],
    ['a short id', { id: 'abc' }],
    ['upper case', { id: 'A'.repeat(32) }],
    ['a number id', { id: 5 }],
    ['an extra field', { id: 'a'.repeat(32), path: '/tmp' }],
    ['null', null],
    ['a string', 'a'.repeat(32)],
    ['an array', ['a'.repeat(32)]],
  ])('rejects %s as a key', async (_what, bad) => {
    const c = open();
    const key = bad as unknown as FileKey;
    for (const call of [() => c.get(key), () => c.exists(key), () => c.evict(key), () => c.set(key, utf8('x')), () => c.awaitKey(key)]) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(JSON.stringify(bad));
    }
    expect(await readdir(directory)).toEqual([]);
  });

  // Bad payloads and options are refused before anything is written.
  it('rejects malformed payloads and options', async () => {
    const c = open();
    await expect(c.put({ codec: '', data: new Uint8Array(1) })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.put({ codec: 'x'.repeat(65), data: new Uint8Array(1) })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.put({ codec: 'bytes', data: [1, 2] as unknown as Uint8Array })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new FileConnector({ directory: '' })).toThrow(InvalidArgumentError);
    expect(() => new FileConnector({ directory, pollIntervalMs: 0 })).toThrow(InvalidArgumentError);
    await expect(connectorFromConfig({ kind: 'file', directory, watch: 'yes' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await readdir(directory)).toEqual([]);
  });

  // A ready marker not written by proxymesh is reported as corruption, not returned as data.
  it('reports a foreign ready marker as DataCorruptedError', async () => {
    const c = open();
    const key = await c.put(utf8('fine'));
    await writeFile(join(directory, `${key.id}.ready`), 'not json');
    await expect(c.get(key)).rejects.toBeInstanceOf(DataCorruptedError);
  });

  // config() carries what another process needs (not `clear`), and fromConfig rebuilds it.
  it('rebuilds from config() without inheriting clear', async () => {
    const c = open({ clear: true, pollIntervalMs: 250, watch: false });
    expect(c.config()).toEqual({ kind: 'file', directory, pollIntervalMs: 250, watch: false });
    const key = await c.put(utf8('kept'));
    const other = await connectorFromConfig(c.config());
    await other.close();
    expect(text(await c.get(key))).toBe('kept');
  });

  // clear: true deletes the directory on close; the default keeps it for other processes.
  it('deletes the directory on close only with clear', async () => {
    const keeper = open();
    await keeper.put(utf8('stays'));
    await keeper.close();
    expect((await readdir(directory)).length).toBe(2);
    const clearer = open({ clear: true });
    await clearer.close();
    await expect(stat(directory)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // close() ends waits with ClosedError, is idempotent, and later calls fail with ClosedError.
  it('closes once, ending waits and refusing later calls', async () => {
    const c = open();
    const key = await c.newKey();
    const caught = c.awaitKey(key).catch((e: unknown) => e);
    await Promise.all([c.close(), c.close()]);
    expect(await caught).toBeInstanceOf(ClosedError);
    expect(c.stats()).toEqual({ waiters: 0, watching: false });
    await expect(c.get(key)).rejects.toBeInstanceOf(ClosedError);
  });
});

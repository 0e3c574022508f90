/**
 * The connector conformance suite, written once and run for every connector (as ProxyStore and
 * js-libp2p do): each `*.test.ts` in this folder calls `connectorConformance` with a factory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  InvalidArgumentError,
  KeyExistsError,
  KeyNotFoundError,
  connectorFromConfig,
  isAwaitable,
  isDeferrable,
  isReplaceable,
} from '../../src/index.js';
import type { AwaitableConnector, Connector, DeferrableConnector, JsonValue, Payload } from '../../src/index.js';

/** How the suite makes and disposes of the connector under test. */
export interface ConformanceTarget {
  /** A fresh connector; the suite closes it after each test. */
  create(): Promise<Connector>;
}

type Full = DeferrableConnector & AwaitableConnector;

const bytes = (text: string, codec = 'bytes'): Payload => ({ codec, data: new TextEncoder().encode(text) });
const text = (p: Payload | undefined): string | undefined => (p === undefined ? undefined : new TextDecoder().decode(p.data));

/** Runs the shared conformance tests against one connector kind. */
export function connectorConformance(name: string, target: ConformanceTarget): void {
  describe(`${name} connector conformance`, () => {
    let connector: Connector;
    let full: Full;
    beforeEach(async () => {
      connector = await target.create();
      full = connector as Full;
    });
    afterEach(async () => {
      // create() may have failed (a missing server); that failure is the one to report.
      await (connector as Connector | undefined)?.close();
    });

    it('puts, gets, tests and evicts one object; a second evict is fine', async () => {
      const key = await connector.put(bytes('hello'));
      expect(await connector.exists(key)).toBe(true);
      expect(text(await connector.get(key))).toBe('hello');
      await connector.evict(key);
      expect(await connector.exists(key)).toBe(false);
      expect(await connector.get(key)).toBeUndefined();
      await connector.evict(key);
    });

    it('keeps the codec tag, empty payloads and every byte value', async () => {
      const all = new Uint8Array(256).map((_, i) => i);
      const k1 = await connector.put({ codec: 'json', data: all });
      const k2 = await connector.put({ codec: 'utf8', data: new Uint8Array(0) });
      const p1 = await connector.get(k1);
      const p2 = await connector.get(k2);
      expect(p1?.codec).toBe('json');
      expect(Buffer.from(p1!.data).equals(Buffer.from(all))).toBe(true);
      expect(p2?.codec).toBe('utf8');
      expect(p2?.data.byteLength).toBe(0);
    });

    it('round-trips a 3 MiB payload byte for byte (more than one chunk)', async () => {
      const data = new Uint8Array(3 * 1024 * 1024 + 7);
      for (let i = 0; i < data.length; i += 4093) data[i] = (i * 31) & 0xff;
      const key = await connector.put({ codec: 'bytes', data });
      const got = await connector.get(key);
      expect(got?.data.byteLength).toBe(data.byteLength);
      expect(Buffer.from(got!.data).equals(Buffer.from(data))).toBe(true);
    });

    it('puts and gets batches in order, with undefined for missing keys', async () => {
      const keys = await connector.putBatch([bytes('a'), bytes('b'), bytes('c')]);
      expect(keys).toHaveLength(3);
      await connector.evict(keys[1]!);
      const got = await connector.getBatch(keys);
      expect(got.map(text)).toEqual(['a', undefined, 'c']);
    });

    it('keys survive JSON and a connector rebuilt from config() reads the same data', async () => {
      const key = await connector.put(bytes('shared'));
      const revivedKey = JSON.parse(JSON.stringify(key)) as JsonValue;
      const config = JSON.parse(JSON.stringify(connector.config())) as ReturnType<Connector['config']>;
      expect(config.kind).toBe(connector.kind);
      const other = await connectorFromConfig(config);
      try {
        expect(text(await other.get(revivedKey))).toBe('shared');
      } finally {
        await other.close();
      }
    });

    it('rejects malformed keys and payloads with InvalidArgumentError, storing nothing', async () => {
      const key = await connector.put(bytes('kept'));
      for (const bad of [null, 'x', 42, { id: '../../etc/passwd' }, []] as JsonValue[]) {
        await expect(connector.get(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(connector.exists(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      const notBytes = { codec: 'bytes', data: 'not bytes' } as unknown as Payload;
      await expect(connector.put(notBytes)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(connector.put({ codec: '', data: new Uint8Array(1) })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(connector.put({ codec: 'c'.repeat(65), data: new Uint8Array(1) })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(text(await connector.get(key))).toBe('kept');
    });

    it('close() is idempotent and works through Symbol.asyncDispose', async () => {
      const c = await target.create();
      await c[Symbol.asyncDispose]();
      await c.close();
    });

    it('is deferrable and awaitable', () => {
      expect(isDeferrable(connector)).toBe(true);
      expect(isAwaitable(connector)).toBe(true);
    });

    it('a new key does not exist until it is set, then reads back', async () => {
      const key = await full.newKey();
      expect(await full.exists(key)).toBe(false);
      expect(await full.get(key)).toBeUndefined();
      await full.set(key, bytes('later', 'utf8'));
      expect(await full.exists(key)).toBe(true);
      const got = await full.get(key);
      expect(got?.codec).toBe('utf8');
      expect(text(got)).toBe('later');
    });

    it('refuses a second set and keeps the first value', async () => {
      const key = await full.newKey();
      await full.set(key, bytes('first'));
      await expect(full.set(key, bytes('second'))).rejects.toBeInstanceOf(KeyExistsError);
      expect(text(await full.get(key))).toBe('first');
    });

    it('awaitKey is woken by a set made after it started waiting', async () => {
      const key = await full.newKey();
      const waiting = full.awaitKey(key, { timeoutMs: 10_000 });
      let settled = false;
      void waiting.then(() => (settled = true), () => (settled = true));
      // Give the wait a chance to settle wrongly before the set: it must still be pending.
      expect(await full.exists(key)).toBe(false);
      expect(settled).toBe(false);
      await full.set(key, bytes('pushed'));
      expect(text(await waiting)).toBe('pushed');
    });

    it('awaitKey returns at once for a key that is already set', async () => {
      const key = await full.newKey();
      await full.set(key, bytes('ready'));
      expect(text(await full.awaitKey(key, { timeoutMs: 10_000 }))).toBe('ready');
    });

    it('awaitKey ends with DeadlineExceededError naming the key when nobody sets it', async () => {
      const key = await full.newKey();
      const err: unknown = await full.awaitKey(key, { timeoutMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeadlineExceededError);
    });

    it('awaitKey ends with the abort reason when its signal fires', async () => {
      const key = await full.newKey();
      const controller = new AbortController();
      const waiting = full.awaitKey(key, { signal: controller.signal });
      const reason = new Error('consumer gave up');
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
    });

    // An owner's update: the value changes under the same key; a key with no value (a future's, or an evicted one) is refused and stays absent.
    it('replaces a stored value where it can, never a key with no value', async () => {
      if (!isReplaceable(connector)) {
        expect((connector as { replace?: unknown }).replace).toBeUndefined();
        return;
      }
      const key = await connector.put(bytes('first'));
      await connector.replace(key, bytes('second', 'utf8'));
      const got = await connector.get(key);
      expect(got?.codec).toBe('utf8');
      expect(text(got)).toBe('second');
      const pending = await full.newKey();
      await expect(connector.replace(pending, bytes('early'))).rejects.toBeInstanceOf(KeyNotFoundError);
      expect(await connector.exists(pending)).toBe(false);
      const gone = await connector.put(bytes('gone'));
      await connector.evict(gone);
      await expect(connector.replace(gone, bytes('again'))).rejects.toBeInstanceOf(KeyNotFoundError);
      expect(await connector.exists(gone)).toBe(false);
    });

    it('evicting a pending key ends its waiters with KeyNotFoundError', async () => {
      const key = await full.newKey();
      const waiting = full.awaitKey(key, { timeoutMs: 10_000 });
      const caught = waiting.catch((e: unknown) => e);
      await full.evict(key);
      expect(await caught).toBeInstanceOf(KeyNotFoundError);
      await expect(full.set(key, bytes('too late'))).rejects.toBeInstanceOf(KeyNotFoundError);
    });
  });
}

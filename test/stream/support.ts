/**
 * What the stream tests share: a FileConnector store in a fresh directory (as ProxyStore's stream
 * tests use), registered so proxies find it, and the key events a message holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileConnector } from '../../src/connectors/file.js';
import type { JsonValue } from '../../src/core/protocol.js';
import { registerStore, unregisterStore } from '../../src/store/registry.js';
import { Store } from '../../src/store/store.js';
import { decodeBatch, type KeyEvent } from '../../src/stream/events.js';

let count = 0;

/** A registered store over a new directory; `dispose` closes, unregisters and removes it. */
export function fileStore(name = `stream-test-${process.pid}-${++count}`, register = true): { store: Store<JsonValue>; dispose: () => Promise<void> } {
  const directory = mkdtempSync(join(tmpdir(), 'proxymesh-stream-'));
  const store = new Store(name, new FileConnector({ directory })) as unknown as Store<JsonValue>;
  if (register) registerStore(store);
  return {
    store,
    dispose: async () => {
      unregisterStore(store);
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The key events of an encoded batch. */
export function keyEvents(message: Uint8Array): KeyEvent[] {
  return decodeBatch(message).events.filter((e): e is KeyEvent => e.kind === 'key');
}

/** A topic name no other test uses (the Redis server is shared). */
export function uniqueTopic(what: string): string {
  return `${what}-${process.pid}-${Date.now()}-${++count}`;
}

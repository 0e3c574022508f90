/**
 * The hook a proxy's synchronous first use goes through when its value is not in this thread:
 * blocking needs another thread to do the I/O, which the bridge in `src/store/blocking.ts`
 * does. `setBlockingResolver` can replace it.
 * @module
 */
import type { Payload } from '../core/protocol.js';
import type { ProxyReference } from '../core/reference.js';
import { blockingFetch, prepareBridge } from './blocking.js';

/**
 * Fetches a reference's payload, blocking the calling thread: waiting until it is set for a
 * future's reference (`$proxymesh: 'future'`), at once for a proxy's. It does not evict and
 * does not deserialise; the factory does both.
 * @returns the payload, or `undefined` when the key is missing.
 * @throws WouldDeadlockError when blocking could never end.
 */
export type BlockingResolver = (reference: ProxyReference) => Payload | undefined;

// The reference's deadline and polling options hold on this path too.
const bridge: BlockingResolver = (reference) =>
  blockingFetch({ connector: reference.store.connector, key: reference.key, wait: reference.wait === true, timeoutMs: reference.timeoutMs, polling: reference.polling });

let current: BlockingResolver = bridge;

/**
 * Replaces the function that blocks for a payload (for instance to refuse blocking in a
 * program that must never block).
 * @param resolver - the blocking resolver, or `undefined` to restore the default, the worker
 * thread bridge of `src/store/blocking.ts`.
 */
export function setBlockingResolver(resolver: BlockingResolver | undefined): void {
  current = resolver ?? bridge;
}

/**
 * Readies the default resolver for a reference that will probably be fetched by blocking later
 * (a future's proxy arriving in this process): its worker starts now, not at the first use.
 * @param reference - the proxy's reference.
 */
export function prepareBlocking(reference: ProxyReference): void {
  // In-process memory is read without the bridge; a replaced resolver is not ours to start.
  if (current === bridge && reference.store.connector.kind !== 'local') prepareBridge(reference.store.connector, reference.key);
}

/**
 * Blocks for a reference's payload with the installed resolver.
 * @param reference - the proxy's or future's reference.
 * @returns the payload, or `undefined` when the key is missing.
 * @throws WouldDeadlockError when blocking could never end.
 */
export function blockingGet(reference: ProxyReference): Payload | undefined {
  return current(reference);
}

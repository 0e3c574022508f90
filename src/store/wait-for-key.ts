/**
 * Waiting for a key to be set: pushed by the connector when it can (`awaitKey`), polled with
 * backoff when it cannot.
 * @module
 */
import { isAwaitable } from '../core/connector-guards.js';
import type { Connector, JsonValue, Payload } from '../core/protocol.js';
import { pollUntil, type PollingOptions } from './polling.js';

/**
 * The payload of a key as soon as it has one.
 * @param connector - the store's connector.
 * @param key - the key, typically a future's.
 * @param options - the signal that ends the wait (carry deadlines in it), and how to poll.
 * @returns the payload.
 * @throws the signal's reason when it fires first.
 * @throws KeyNotFoundError from a pushing connector when the key is unknown or evicted.
 */
export function waitForPayload<K extends JsonValue>(
  connector: Connector<K>,
  key: K,
  options: { readonly signal?: AbortSignal | undefined; readonly polling?: PollingOptions | undefined },
): Promise<Payload> {
  const { signal } = options;
  if (isAwaitable(connector)) return connector.awaitKey(key, { signal });
  // Polls get rather than exists-then-get (ProxyStore's way): one round trip per poll, and no
  // window in which the key is evicted between the two calls.
  return pollUntil(() => connector.get(key, { signal }), { ...options.polling, signal });
}

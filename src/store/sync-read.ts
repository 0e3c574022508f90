/**
 * Reading without waiting, from connectors that can (`canReadSync`: LocalConnector's `getSync`):
 * how a proxy's first synchronous use is served from in-process memory without the blocking
 * bridge.
 * @module
 */
import { canReadSync } from '../core/connector-guards.js';
import type { Connector, JsonValue, Payload } from '../core/protocol.js';

/**
 * The payload, if the connector can read it synchronously.
 * @param connector - any connector.
 * @param key - the key.
 * @returns the payload, or `undefined` when missing, pending, or the connector cannot read synchronously.
 */
export function readSync<K extends JsonValue>(connector: Connector<K>, key: K): Payload | undefined {
  return canReadSync(connector) ? connector.getSync(key) : undefined;
}

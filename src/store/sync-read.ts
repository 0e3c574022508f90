/**
 * Reading without waiting, from connectors that can (LocalConnector's `getSync`): how a proxy's
 * first synchronous use is served from in-process memory without the blocking bridge.
 * @module
 */
import type { Connector, JsonValue, Payload } from '../core/protocol.js';

/** A connector that can read some keys synchronously. */
interface SyncReadable<K> {
  getSync(key: K): Payload | undefined;
}

function canReadSync<K extends JsonValue>(c: Connector<K>): c is Connector<K> & SyncReadable<K> {
  return typeof (c as Partial<SyncReadable<K>>).getSync === 'function';
}

/**
 * The payload, if the connector can read it synchronously.
 * @param connector - any connector.
 * @param key - the key.
 * @returns the payload, or `undefined` when missing, pending, or the connector cannot read synchronously.
 */
export function readSync<K extends JsonValue>(connector: Connector<K>, key: K): Payload | undefined {
  return canReadSync(connector) ? connector.getSync(key) : undefined;
}

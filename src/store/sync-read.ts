/**
 * Reading without waiting, from connectors that can (`canReadSync`: LocalConnector's memory,
 * MeshConnector's files of owners on this host): how a proxy's first synchronous use is served
 * without the blocking bridge.
 * @module
 */
import { readOnHostFromConfig } from '../connectors/mesh-host-read.js';
import { canReadSync } from '../core/connector-guards.js';
import type { Connector, JsonValue, Payload } from '../core/protocol.js';
import type { ProxyReference } from '../core/reference.js';

/**
 * The payload, if the connector can read it synchronously.
 * @param connector - any connector.
 * @param key - the key.
 * @returns the payload, or `undefined` when missing, pending, or the connector cannot read synchronously.
 */
export function readSync<K extends JsonValue>(connector: Connector<K>, key: K): Payload | undefined {
  return canReadSync(connector) ? connector.getSync(key) : undefined;
}

/**
 * The payload of a reference whose store this process has not opened, if it can be read at once:
 * a mesh object whose owner runs on this host, read from its file without building the store,
 * its connector or the bridge (a fresh process's first use of a revived proxy).
 * @returns the payload, or `undefined` when it must be fetched.
 */
export function readReferenceSync(reference: ProxyReference): Payload | undefined {
  return readOnHostFromConfig(reference.store.connector, reference.key);
}

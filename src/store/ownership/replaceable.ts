/**
 * Replaceable connectors: ones that can replace the value of a key that holds one, which an
 * owner's `update` needs (write-once `set` refuses it). Local, File and Redis connectors are;
 * the mesh is not yet (it needs a capability-guarded Replace RPC in the contract).
 * @module
 */
import type { CallOptions, JsonValue, Payload } from '../../core/protocol.js';

/** A connector that can replace the value of a key that holds one. */
export interface ReplaceableConnector<K extends JsonValue = JsonValue> {
  /**
   * Replaces the value of a key that holds one; pending future keys are refused.
   * @param key - a key holding a value.
   * @param payload - the new value.
   * @param options - signal and deadline.
   * @throws KeyNotFoundError when the key holds no value.
   */
  replace(key: K, payload: Payload, options?: CallOptions): Promise<void>;
}

/**
 * Whether a connector can replace values.
 * @param connector - a connector.
 * @returns true when it has `replace`.
 */
export function isReplaceable<K extends JsonValue>(connector: object): connector is ReplaceableConnector<K> {
  return typeof (connector as Partial<ReplaceableConnector<K>>).replace === 'function';
}

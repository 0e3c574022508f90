/**
 * The one way to ask a connector what it can do beyond `Connector`: a type guard per optional
 * protocol of `protocol.ts`. Callers never probe methods, cast to `Partial<…>` or test a class
 * themselves; a new optional protocol gets its guard here, beside the others.
 * @module
 */
import type {
  AwaitableConnector,
  CapabilityIssuer,
  Connector,
  DeferrableConnector,
  ExpirableConnector,
  InProcessConnector,
  JsonValue,
  PreparableConnector,
  ReplaceableConnector,
  SyncReadableConnector,
} from './protocol.js';

/**
 * Whether a connector can defer keys (`newKey` and `set`).
 * @param c - the connector.
 * @returns true when it is a `DeferrableConnector`.
 */
export function isDeferrable<K extends JsonValue>(c: Connector<K>): c is DeferrableConnector<K> {
  const d = c as Partial<DeferrableConnector<K>>;
  return typeof d.newKey === 'function' && typeof d.set === 'function';
}

/**
 * Whether a connector can push a value to waiters (`awaitKey`).
 * @param c - the connector.
 * @returns true when it is also an `AwaitableConnector`.
 */
export function isAwaitable<K extends JsonValue>(c: Connector<K>): c is Connector<K> & AwaitableConnector<K> {
  return typeof (c as Partial<AwaitableConnector<K>>).awaitKey === 'function';
}

/**
 * Whether a deferrable connector issues capabilities for `set`.
 * @param c - the connector.
 * @returns true when it has `capabilityFor`.
 */
export function issuesCapabilities<K extends JsonValue>(c: Connector<K>): c is Connector<K> & CapabilityIssuer<K> {
  return typeof (c as Partial<CapabilityIssuer<K>>).capabilityFor === 'function';
}

/**
 * Whether a connector can read without waiting.
 * @param c - the connector.
 * @returns true when it has `getSync`.
 */
export function canReadSync<K extends JsonValue>(c: Connector<K>): c is Connector<K> & SyncReadableConnector<K> {
  return typeof (c as Partial<SyncReadableConnector<K>>).getSync === 'function';
}

/**
 * Whether a connector's keys live in this process's memory only.
 * @param c - the connector, if any.
 * @returns true when it declares `inProcess`.
 */
export function isInProcess<K extends JsonValue>(c: Connector<K> | undefined): c is Connector<K> & InProcessConnector<K> {
  return c !== undefined && (c as Partial<InProcessConnector<K>>).inProcess === true && canReadSync(c);
}

/**
 * Whether a connector can get ready for a key ahead of a call.
 * @param c - the connector.
 * @returns true when it has `prepare`.
 */
export function isPreparable<K extends JsonValue>(c: Connector<K>): c is Connector<K> & PreparableConnector<K> {
  return typeof (c as Partial<PreparableConnector<K>>).prepare === 'function';
}

/**
 * Whether a connector's owner can expire objects by itself.
 * @param connector - a connector.
 * @returns true when it has `expire`.
 */
export function isExpirable<K extends JsonValue>(connector: object): connector is ExpirableConnector<K> {
  return typeof (connector as Partial<ExpirableConnector<K>>).expire === 'function';
}

/**
 * Whether a connector can replace values.
 * @param connector - a connector.
 * @returns true when it has `replace`.
 */
export function isReplaceable<K extends JsonValue>(connector: object): connector is ReplaceableConnector<K> {
  return typeof (connector as Partial<ReplaceableConnector<K>>).replace === 'function';
}

/**
 * The store key behind a proxy, for lifetimes: only proxies made by a store name one.
 * @module
 */
import type { JsonValue } from '../../core/protocol.js';
import { ProxyStoreFactoryError } from '../../errors.js';
import { getFactory, isProxy } from '../../proxy/control.js';
import { StoreFactory } from '../store-factory.js';
import type { StoreSource } from '../store-source.js';

/**
 * The key and store source of a store's proxy (plain or ownership).
 * @param proxy - a proxy.
 * @returns its key and where its store comes from.
 * @throws ProxyStoreFactoryError when `proxy` is not a proxy or its factory is not a store's.
 */
export function storeKeyOf(proxy: unknown): { key: JsonValue; source: StoreSource } {
  const factory = isProxy(proxy) ? getFactory(proxy) : undefined;
  if (!(factory instanceof StoreFactory)) {
    const what = factory === undefined ? 'a value that is not a proxy' : `a proxy whose factory is a ${factory.constructor.name}`;
    throw new ProxyStoreFactoryError(`Only proxies made by a Store (whose factory is a StoreFactory) can be attached to a lifetime or owned; got ${what}.`);
  }
  return { key: factory.reference().key, source: factory.source };
}

/**
 * Making a store-backed proxy: the reference, the factory and the ES Proxy, in one place for
 * `Store.proxy`, `Store.proxyFromKey`, `Future.proxy` and the reviver.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import { createProxy } from '../proxy/create.js';
import type { ProxyReference, TargetShape } from '../core/reference.js';
import type { PollingOptions } from './polling.js';
import { referenceExtras } from './reference-extras.js';
import { StoreFactory } from './store-factory.js';
import type { StoreSource } from './store-source.js';

/** What a proxy stands for. */
export interface ProxySpec<T> {
  /** Resolution waits until the key is set: the proxy of a future's value. */
  readonly wait: boolean;
  /** The connector key of the target. */
  readonly key: JsonValue;
  /** A one-shot proxy: resolving evicts the object. */
  readonly evict: boolean;
  /** The target's shape, for `typeof` and `Array.isArray` before resolving. */
  readonly shape: TargetShape;
  /** The target, when this process has it: the proxy starts resolved. */
  readonly target?: T;
  /** How to poll for a future's value on a connector that cannot push. */
  readonly polling?: PollingOptions | undefined;
  /** The tag of the codec that decodes the target wherever it resolves. */
  readonly deserializer?: string | undefined;
  /** How long resolving waits for the value, in ms, wherever it resolves. */
  readonly timeoutMs?: number | undefined;
}

/**
 * A proxy backed by a store.
 * @param source - where its store comes from.
 * @param spec - the key, kind, `evict`, shape, optional target, and what travels with it (deserializer, deadline, polling).
 * @returns the proxy, typed as its target.
 */
export function makeProxy<T>(source: StoreSource, spec: ProxySpec<T>): T {
  const base = { $proxymesh: 'proxy', key: spec.key, store: source.config, evict: spec.evict, shape: spec.shape } as const;
  const extras = referenceExtras(spec);
  const reference: ProxyReference = spec.wait ? { ...base, wait: true, ...extras } : { ...base, ...extras };
  const factory = new StoreFactory<T>(reference, source, spec.polling);
  return createProxy(factory, Object.hasOwn(spec, 'target') ? { shape: spec.shape, target: spec.target as T } : { shape: spec.shape });
}

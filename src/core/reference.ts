/**
 * The JSON form of a proxy or future, the contract between processes: a key and the config
 * of the store that holds it, never the data. The proxy layer reads its `key` and `shape`; the
 * store layer writes and revives it; any process (in any language) can parse it.
 * @module
 */
import type { ConnectorConfig, JsonValue } from './protocol.js';

/** The shape of a proxy's target, which picks the placeholder `typeof`/`Array.isArray` see. */
export type TargetShape = 'object' | 'array' | 'function';

/** The JSON a store config becomes; enough to rebuild the store in another process. */
export interface StoreConfig {
  /** The store's name, its key in each process's store registry. */
  readonly name: string;
  /** The connector's config, to rebuild it with its kind's `fromConfig`. */
  readonly connector: ConnectorConfig;
  readonly [option: string]: JsonValue;
}

/**
 * The JSON form of a proxy (or future): the key and the store's config, never the data.
 * `JSON.stringify(proxy)` gives it; the exported `reviver` turns it back into a live proxy.
 */
export interface ProxyReference {
  /** Marks the object as a reference, and says which. */
  readonly $proxymesh: 'proxy' | 'future';
  /** The connector key of the target. */
  readonly key: JsonValue;
  /** The config of the store that holds it. */
  readonly store: StoreConfig;
  /** Whether resolving evicts the key (a one-shot proxy). */
  readonly evict: boolean;
  /**
   * In proxy references: resolving waits until the key is set (the proxy of a future's value)
   * instead of failing on a missing key.
   */
  readonly wait?: boolean;
  /** The target's shape, when known, so the rebuilt proxy answers `typeof` correctly. */
  readonly shape: TargetShape;
  /** Only in future references: the capability that authorises `setResult`, where enforced. */
  readonly capability?: string;
  /** In references of ownership proxies: which one (`OwnedProxy`, `RefProxy`, `RefMutProxy`). */
  readonly ownership?: ReferenceKind;
  /**
   * The tag of the codec that decodes the target wherever it resolves, instead of the store's
   * deserializer: a per-proxy deserializer that travels by name (register the codec everywhere).
   */
  readonly deserializer?: string;
  /**
   * How long resolving (or a future's `result()`) waits for the value, in ms, in every process;
   * past it, it ends with `DeadlineExceededError` instead of waiting for a producer that died.
   */
  readonly timeoutMs?: number;
  /** How to poll for a future's value where the connector cannot push it. */
  readonly polling?: ReferencePolling;
}

/** The polling options a reference carries (the JSON ones: no custom sleep). */
export interface ReferencePolling {
  /** Wait after the first miss, in ms. */
  readonly initialMs?: number;
  /** Growth of the wait after each miss. */
  readonly factor?: number;
  /** Longest wait between polls, in ms. */
  readonly maxMs?: number;
}

/** The ownership kind a reference carries: an owner, a shared borrow or a mutable borrow. */
export type ReferenceKind = 'owned' | 'ref' | 'mut';

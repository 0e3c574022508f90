/**
 * What a proxy resolves through. A proxy holds a factory and nothing else until first use; the
 * factory knows how to get the target (asynchronously, or blocking the thread) and how to
 * describe itself as a small JSON reference that can travel to another process.
 * @module
 */
import type { ConnectorConfig, JsonValue } from '../connectors/protocol.js';

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
}

/** The ownership kind a reference carries: an owner, a shared borrow or a mutable borrow. */
export type ReferenceKind = 'owned' | 'ref' | 'mut';

/**
 * Optional behaviour a factory adds to its proxies, beyond resolving. Ownership proxies use it
 * (`src/store/ownership/`); plain proxies have none.
 */
export interface ProxyHooks {
  /** Runs before every use of the target (and every resolve); throws to refuse the use. */
  guard?(): void;
  /** What `JSON.stringify(proxy)` writes instead of `reference()`; may move ownership. */
  toJSON?(): ProxyReference;
  /** Members the proxy answers itself and never forwards (such as `Symbol.dispose`). */
  readonly members?: ReadonlyMap<symbol, unknown>;
}

/** Resolves a proxy's target. */
export interface Factory<T = unknown> {
  /**
   * Fetches the target, waiting for it if it is a future's value not yet set.
   * @returns the target.
   * @throws ProxyResolveMissingKeyError when the key is missing (probably evicted).
   * @throws ProxyResolveError for any other failure, with the error as `cause`.
   */
  resolve(): Promise<T>;
  /**
   * Fetches the target synchronously, blocking this thread until it exists.
   * @returns the target.
   * @throws WouldDeadlockError when blocking could never end.
   * @throws ProxyResolveError as `resolve` does.
   */
  resolveSync(): T;
  /**
   * The JSON reference a proxy on this factory serialises to.
   * @returns the reference.
   */
  reference(): ProxyReference;
  /** Optional extra behaviour of the proxies on this factory (see `ProxyHooks`). */
  readonly hooks?: ProxyHooks;
}

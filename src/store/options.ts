/**
 * The options of the Store's constructor and methods.
 * @module
 */
import type { CallOptions } from '../core/protocol.js';
import type { TargetShape } from '../core/reference.js';
import type { Deserializer, Serializer } from '../serialize/custom.js';
import type { PlacementOptions } from '../connectors/multi-policy.js';
import type { Lifetime } from './lifetimes/lifetime.js';
import type { PollingOptions } from './polling.js';

/** Options of `new Store(name, connector, options)`. */
export interface StoreOptions {
  /** Writes every object; default: the codec registry (`serialize`). Not part of `config()`. */
  readonly serializer?: Serializer | undefined;
  /** Reads every payload; default: the codec registry (`deserialize`). Not part of `config()`. */
  readonly deserializer?: Deserializer | undefined;
  /** Deserialised objects kept (least recently used first out); 0 disables. Default 16. */
  readonly cacheSize?: number | undefined;
  /** Record timings, cache hits and sizes in `store.metrics`. Default false. */
  readonly metrics?: boolean | undefined;
  /** Proxies made here start resolved to the object they stand for. Default true. */
  readonly populateTarget?: boolean | undefined;
  /** Register the store in this process's registry under its name. Default false. */
  readonly register?: boolean | undefined;
}

/** The `lifetime` option of `put`, `putBatch`, `proxy`, `proxyBatch`, `proxyFromKey` and `future`. */
export interface LifetimeOption {
  /**
   * Attach the new key(s) to this lifetime: its objects are evicted when it ends. Refused (with
   * `LifetimeEndedError`, before anything is stored) when it has ended; not with `evict`.
   */
  readonly lifetime?: Lifetime | undefined;
}

/**
 * Options of `put` and `putBatch`. The tags (`subsetTags`, `supersetTags`) choose the connector
 * of a `MultiConnector`; other connectors ignore them.
 */
export interface PutOptions extends CallOptions, LifetimeOption, PlacementOptions {
  /** Overrides the store's serializer for this call. */
  readonly serializer?: Serializer | undefined;
}

/** Options of `set` (and so of `Future.setResult`). */
export interface SetOptions extends CallOptions {
  /** Overrides the store's serializer for this call. */
  readonly serializer?: Serializer | undefined;
  /** The capability the key's `newKey` issued; the future carries it, a proxy never does. */
  readonly capability?: string | undefined;
}

/** Options of `get`, `getBatch` and `waitFor`. */
export interface GetOptions<D = undefined> extends CallOptions {
  /** Returned by `get` when the key is missing. Default `undefined`. */
  readonly default?: D;
  /** Overrides the store's deserializer for this call. */
  readonly deserializer?: Deserializer | undefined;
}

/** Options of `waitFor`. */
export interface WaitOptions extends CallOptions {
  /** Overrides the store's deserializer for this call. */
  readonly deserializer?: Deserializer | undefined;
  /** How to poll a connector that cannot push (see `PollingOptions`). */
  readonly polling?: PollingOptions | undefined;
}

/** Options of `proxy` and `proxyBatch`. */
export interface ProxyOptions extends PutOptions {
  /** Make a one-shot proxy: resolving it evicts the object. Default false. */
  readonly evict?: boolean | undefined;
  /** Overrides the store's `populateTarget` for this call. */
  readonly populateTarget?: boolean | undefined;
  /** Return values a proxy cannot stand for (`null`, `undefined`, booleans) as they are. Default false. */
  readonly skipNonproxiable?: boolean | undefined;
  /**
   * The tag of a registered codec that decodes this proxy's target wherever it resolves,
   * instead of the store's deserializer; without a `serializer`, that codec also writes it.
   * The tag travels in the reference: register the codec in every process that resolves it.
   */
  readonly deserializer?: string | undefined;
  /**
   * How long resolving the proxy may take, in ms, in every process (it travels in the
   * reference as `timeoutMs`); past it, resolving fails with a `DeadlineExceededError` as cause.
   */
  readonly resolveTimeoutMs?: number | undefined;
}

/** Options of `proxyFromKey`. */
export interface ProxyFromKeyOptions extends LifetimeOption {
  /** Make a one-shot proxy: resolving it evicts the object. Default false. */
  readonly evict?: boolean | undefined;
  /** The target's shape, so `typeof` and `Array.isArray` answer right before resolving. Default `object`. */
  readonly shape?: TargetShape | undefined;
  /** As `ProxyOptions.deserializer`: the tag of the codec that decodes the target wherever it resolves. */
  readonly deserializer?: string | undefined;
  /** As `ProxyOptions.resolveTimeoutMs`: how long resolving may take, in ms, wherever it resolves. */
  readonly resolveTimeoutMs?: number | undefined;
}

/** Options of `future`; the tags choose a `MultiConnector`'s connector, as for `put`. */
export interface FutureOptions extends CallOptions, LifetimeOption, PlacementOptions {
  /** Resolving the future's value (by `result()` or a proxy) evicts it. Default false. */
  readonly evict?: boolean | undefined;
  /** The value's shape, for the future's proxies. Default `object`. */
  readonly shape?: TargetShape | undefined;
  /** How to poll for the value when the connector cannot push it; travels with the future. */
  readonly polling?: PollingOptions | undefined;
  /**
   * How long `result()` and the future's proxies wait for the value by default, in ms, in every
   * process the future reaches (it travels in the reference as `timeoutMs`), so a consumer of a
   * producer that died ends with `DeadlineExceededError` instead of waiting forever.
   */
  readonly resolveTimeoutMs?: number | undefined;
}

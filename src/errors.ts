/**
 * The named errors proxymesh throws. Check them with `instanceof` or by `.name`; every message
 * is a sentence that names the key, the peer and what to do.
 *
 * The mapping between these classes and gRPC status codes lives in `src/mesh/status.ts` only.
 * @module
 */

/** Base class of every error proxymesh throws on purpose. */
export class ProxyMeshError extends Error {
  /** The class name, for checks by name across realms. */
  override name = 'ProxyMeshError';
}

/** A key, address or configuration value is malformed; the message names the bad input. */
export class InvalidArgumentError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'InvalidArgumentError';
}

/** A key that must exist does not (it was never registered, or was evicted). */
export class KeyNotFoundError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'KeyNotFoundError';
}

/** A deferred key was set before: keys are write-once and the first value stays. */
export class KeyExistsError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'KeyExistsError';
}

/** The key belongs to an earlier incarnation of its owner: the owner restarted and lost it. */
export class KeyLostError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'KeyLostError';
}

/**
 * What a connector stores into cannot be reached, or went away while a call was in flight: a
 * Redis server, or (as `PeerUnavailableError`) a mesh peer. Catch this one for any connector.
 */
export class ConnectorUnavailableError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'ConnectorUnavailableError';
}

/** The owner of a key (a mesh peer) cannot be reached, or shut down while a call was in flight. */
export class PeerUnavailableError extends ConnectorUnavailableError {
  /** The class name, for checks by name across realms. */
  override name = 'PeerUnavailableError';
}

/** A call or wait did not finish before its deadline (`timeoutMs`). */
export class DeadlineExceededError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'DeadlineExceededError';
}

/** A configured limit (object size, bytes held, waiters) refused the request; nothing changed. */
export class LimitExceededError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'LimitExceededError';
}

/** The peer refused the call: a missing or wrong token or capability. */
export class PermissionDeniedError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'PermissionDeniedError';
}

/** Bytes in transit did not match what was sent (size or checksum): never a wrong object. */
export class DataCorruptedError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'DataCorruptedError';
}

/** The operation was used on something that has been closed. */
export class ClosedError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'ClosedError';
}

/** An object could not be serialised or deserialised; the message names the codec and key. */
export class SerializationError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'SerializationError';
}

/** The operation needs a capability this connector or store does not have. */
export class NotImplementedError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'NotImplementedError';
}

/** A store with this name is already registered in this process. */
export class StoreExistsError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'StoreExistsError';
}

/** A proxy could not resolve its target; `cause` holds the underlying error. */
export class ProxyResolveError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'ProxyResolveError';
}

/** A proxy's key is missing from its store: most likely it was evicted while proxies remained. */
export class ProxyResolveMissingKeyError extends ProxyResolveError {
  /** The class name, for checks by name across realms. */
  override name = 'ProxyResolveMissingKeyError';
}

/**
 * Blocking here could never end: for example a synchronous use of a proxy whose value only this
 * thread could produce. Use `await resolve(proxy)` or set the value from another process.
 */
export class WouldDeadlockError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'WouldDeadlockError';
}

/**
 * A `MultiConnector` cannot route the call: no connector's policy accepts the object, or a key
 * names a connector the MultiConnector does not have.
 */
export class MultiConnectorError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'MultiConnectorError';
}

/** A lifetime has ended: nothing more can be attached to it (ProxyStore raises `RuntimeError`). */
export class LifetimeEndedError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'LifetimeEndedError';
}

/** A proxy's factory is not a store's factory, so it names no key of a store to manage. */
export class ProxyStoreFactoryError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'ProxyStoreFactoryError';
}

/** Base class of the ownership errors (`OwnedProxy`, `RefProxy`, `RefMutProxy`). */
export class BaseRefProxyError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'BaseRefProxyError';
}

/**
 * A borrowing rule was broken: a mutable borrow while any borrow exists, a shared borrow while
 * a mutable one exists, or an update or release of an owner that is still borrowed.
 */
export class MutableBorrowError extends BaseRefProxyError {
  /** The class name, for checks by name across realms. */
  override name = 'MutableBorrowError';
}

/** The operation needs an `OwnedProxy` (or, for `update`, a `RefMutProxy`) and got a borrow. */
export class ReferenceNotOwnedError extends BaseRefProxyError {
  /** The class name, for checks by name across realms. */
  override name = 'ReferenceNotOwnedError';
}

/**
 * The reference was invalidated: released, marked out of scope, or serialised (which moves it
 * to the process that revives it).
 */
export class ReferenceInvalidError extends BaseRefProxyError {
  /** The class name, for checks by name across realms. */
  override name = 'ReferenceInvalidError';
}

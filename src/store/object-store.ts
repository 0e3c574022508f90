/**
 * `ObjectStore`: the half of ProxyStore's Store that stores objects: it serialises them into a
 * connector, caches what it reads, waits for deferred keys, and measures itself when asked.
 * `Store` (in `store.ts`) adds proxies, futures and the registry on top.
 *
 * Construction, the cache and the plain operations are `ObjectStoreCore`'s
 * (`object-store-core.ts`); this file adds what needs more of the connector than `Connector`:
 * deferred keys (`newKey`, `set`), which futures are made of, and an owner's `replace` and
 * `expire`.
 * @module
 */
import { isDeferrable, isExpirable, isReplaceable } from '../core/connector-guards.js';
import type { CallOptions, JsonValue } from '../core/protocol.js';
import type { PlacementOptions } from '../connectors/multi-policy.js';
import { NotImplementedError } from '../errors.js';
import { callOptions, placementOptions } from './connector-options.js';
import { keyId } from './key-id.js';
import { ObjectStoreCore } from './object-store-core.js';
import type { SetOptions } from './options.js';

/**
 * A named store of objects over a connector; use its subclass `Store`, which adds proxies,
 * futures and registration.
 * @typeParam K - the connector's key type.
 */
export class ObjectStore<K extends JsonValue = JsonValue> extends ObjectStoreCore<K> {
  /**
   * Sets the value of a deferred key, once (what `Future.setResult` does), and drops the key
   * from the cache so the next `get` reads the new value.
   * @param key - a key from the connector's `newKey`.
   * @param obj - the value.
   * @param options - a per-call serializer, signal and deadline.
   * @throws NotImplementedError when the connector is not deferrable.
   * @throws KeyExistsError when the key was set before (the first value stays).
   * @throws KeyNotFoundError when the key is unknown or evicted.
   * @throws PermissionDeniedError when the connector requires a capability and it is missing or wrong.
   */
  set(key: K, obj: unknown, options: SetOptions = {}): Promise<void> {
    return this.measure('set', () => this.#set(key, obj, options), () => [key]);
  }

  async #set(key: K, obj: unknown, options: SetOptions): Promise<void> {
    this.assertOpen();
    if (!isDeferrable(this.parts.io)) throw this.#notDeferrable('set keys');
    const payload = this.parts.codec.encode(obj, options.serializer);
    await this.parts.io.set(key, payload, { ...callOptions(options), capability: options.capability });
    this.parts.cache.delete(keyId(key));
  }

  /**
   * Replaces the value of a key that holds one, and drops the key from the cache: what an
   * owner's `update` does. Futures' keys stay write-once (a pending key is refused).
   * @param key - a key holding a value.
   * @param obj - the new value.
   * @param options - a per-call serializer, signal and deadline.
   * @throws NotImplementedError when the connector cannot replace values.
   * @throws KeyNotFoundError when the key holds no value.
   * @throws PermissionDeniedError when the connector guards replacing and this process did not store the key (the mesh).
   */
  async replace(key: K, obj: unknown, options: SetOptions = {}): Promise<void> {
    this.assertOpen();
    const { connector } = this;
    if (!isReplaceable<K>(connector)) {
      throw new NotImplementedError(
        `Store "${this.name}" cannot replace a stored value: its ${connector.kind} connector has no replace() (Local, File, Redis and mesh connectors have).`,
      );
    }
    await connector.replace(key, this.parts.codec.encode(obj, options.serializer), callOptions(options));
    this.parts.cache.delete(keyId(key));
  }

  /**
   * Gives an object a time to live kept by its connector's side (a mesh peer evicts it then by
   * itself): what a `LeaseLifetime` asks, so its objects end on time even if this process has
   * crashed. A connector that cannot keeps it as it is.
   * @param key - a key this store put.
   * @param ttlMs - milliseconds from now; 0 takes a time to live away.
   * @returns whether the connector took it.
   * @throws KeyNotFoundError when the key holds no value.
   */
  async expire(key: K, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    const { connector } = this;
    if (!isExpirable<K>(connector)) return false;
    await connector.expire(key, ttlMs);
    return true;
  }

  /**
   * Makes a deferred key: it exists once `set`. What `Store.future()` builds on.
   * @param options - signal, deadline, and the tags a MultiConnector routes by.
   * @returns the key.
   * @throws NotImplementedError when the connector is not a `DeferrableConnector`.
   */
  newKey(options: CallOptions & PlacementOptions = {}): Promise<K> {
    return this.measure('newKey', () => this.#newKey(options), (key) => [key]);
  }

  async #newKey(options: CallOptions & PlacementOptions): Promise<K> {
    this.assertOpen();
    if (!isDeferrable(this.parts.io)) throw this.#notDeferrable('make futures');
    return this.parts.io.newKey(placementOptions(options));
  }

  #notDeferrable(what: string): NotImplementedError {
    return new NotImplementedError(
      `Store "${this.name}" cannot ${what}: its ${this.connector.kind} connector does not implement DeferrableConnector (newKey and set). Use a deferrable connector such as LocalConnector, FileConnector, RedisConnector or MeshConnector.`,
    );
  }
}

/**
 * The capabilities a `MeshConnector` holds for keys it made, by key name (`formatKey`): a
 * deferred key's, which its `set` presents, and the owner capability of a key it put into a peer
 * daemon (attached mode), which `replace` and `expire` present. A peer refuses those calls
 * without the capability, so a key this connector did not make stays out of its reach.
 * @module
 */
import { LruMap } from '../util/lru-map.js';

/** How many put keys' owner capabilities an attached connector remembers for replace and expire. */
const OWNED_KEYS = 100_000;

/** The capabilities of one connector's keys. */
export class KeyCapabilities {
  // Capabilities of the deferred keys this connector made, until they are set or evicted.
  readonly #deferred = new Map<string, string>();
  // The owner capabilities of what this connector put into a peer daemon; the most recent ones,
  // so a long-running putter stays bounded.
  readonly #owned = new LruMap<string, string>(OWNED_KEYS);

  /** Remembers the capability of a deferred key this connector made. */
  made(name: string, capability: string): void {
    this.#deferred.set(name, capability);
  }

  /** A deferred key's capability: `undefined` once it was set or evicted, or for a key made elsewhere. */
  deferred(name: string): string | undefined {
    return this.#deferred.get(name);
  }

  /** A deferred key was set: its capability is spent. */
  spent(name: string): void {
    this.#deferred.delete(name);
  }

  /** Remembers the owner capability a peer daemon returned for a key this connector put. */
  put(name: string, capability: string): void {
    this.#owned.set(name, capability);
  }

  /** The owner capability of a key this connector put: '' when it has none (the owner refuses it). */
  owner(name: string): string {
    return this.#owned.get(name) ?? '';
  }

  /** Forgets an evicted key. */
  forget(name: string): void {
    this.#deferred.delete(name);
    this.#owned.delete(name);
  }
}

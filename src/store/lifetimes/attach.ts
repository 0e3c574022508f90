/**
 * How `Store` honours its `lifetime` option: refuse an ended lifetime before storing anything,
 * attach the new keys after, and evict them again if the lifetime ended in between.
 * @module
 */
import type { JsonValue } from '../../core/protocol.js';
import { InvalidArgumentError, LifetimeEndedError } from '../../errors.js';
import type { Lifetime, LifetimeStore } from './lifetime.js';

/**
 * Checks a call's `lifetime` (and `evict`) before it stores anything.
 * @param lifetime - the option, if given.
 * @param evict - the call's `evict` option.
 * @throws InvalidArgumentError when both `evict` and `lifetime` are set.
 * @throws LifetimeEndedError when the lifetime has ended.
 */
export function checkLifetime(lifetime: Lifetime | undefined, evict = false): void {
  if (lifetime === undefined) return;
  if (evict) throw new InvalidArgumentError('The evict and lifetime options are mutually exclusive: a one-shot proxy evicts its object itself. Set only one of them.');
  if (lifetime.done()) throw new LifetimeEndedError(`Lifetime "${lifetime.name}" has ended: nothing more can be attached to it, so nothing was stored. Create a new lifetime.`);
}

/**
 * Attaches new keys to a call's lifetime; if that fails (it ended meanwhile), evicts them.
 * @param lifetime - the option, if given.
 * @param store - the store that made the keys.
 * @param keys - the new keys.
 * @throws what `lifetime.addKey` throws, after evicting the keys.
 */
export async function attachKeys(lifetime: Lifetime | undefined, store: LifetimeStore, keys: readonly JsonValue[]): Promise<void> {
  if (lifetime === undefined) return;
  try {
    lifetime.addKey(keys, store);
  } catch (error) {
    await Promise.allSettled(keys.map((key) => store.evict(key as never)));
    throw error;
  }
}

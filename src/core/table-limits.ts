/**
 * What an object table may hold at once, and the refusals it answers when a request would pass
 * that: its limits and their messages in one place, apart from the table's bookkeeping.
 * @module
 */
import { LimitExceededError } from '../errors.js';

/** Limits a table enforces; a refused request changes nothing. */
export interface TableLimits {
  /** Most payload bytes held at once. */
  readonly maxBytes: number;
  /** Most waits in progress at once. */
  readonly maxWaiters: number;
}

/** No limits. */
export const UNLIMITED: TableLimits = { maxBytes: Number.POSITIVE_INFINITY, maxWaiters: Number.POSITIVE_INFINITY };

/** A table's limits, and `where`, which names the table's holder in refusals ("This store" without it). */
export type HolderLimits = TableLimits & { readonly where?: () => string };

/**
 * Checks that `bytes` more payload bytes fit beside the `held` ones.
 * @throws LimitExceededError naming the limit.
 */
export function checkBytesRoom(limits: HolderLimits, held: number, bytes: number): void {
  if (held + bytes > limits.maxBytes) {
    throw new LimitExceededError(
      `${limits.where?.() ?? 'This store'} cannot take ${bytes} more bytes: it holds ${held} of its ${limits.maxBytes}-byte limit (maximum bytes held). Evict objects or raise the limit; nothing stored was changed.`,
    );
  }
}

/**
 * Checks that one more wait fits beside the `waiting` ones.
 * @param describe - the words for the key waited on, in the message.
 * @throws LimitExceededError naming the limit and the key.
 */
export function checkWaiterRoom(limits: HolderLimits, waiting: number, describe: () => string): void {
  if (waiting >= limits.maxWaiters) {
    throw new LimitExceededError(
      `${limits.where?.() ?? 'This store'} cannot take another waiter for ${describe()}: ${waiting} waits are in progress, its limit (maximum pending waiters). Retry later or raise the limit.`,
    );
  }
}

/**
 * Scopes of borrows handed to tasks, ProxyStore's `proxystore.store.scopes`: the owner cannot
 * know when a borrow sent to another process goes out of scope there, so `submit` marks the
 * borrows passed to a task out of scope when the task settles.
 * @module
 */
import { ReferenceNotOwnedError } from '../../errors.js';
import { refFactoryOf } from './make.js';

/**
 * Marks borrows out of scope: each gives its borrow back to its owner and becomes invalid.
 * Borrows already out of scope are skipped; other values are ignored.
 * @param refs - `RefProxy` and `RefMutProxy` values.
 * @throws ReferenceNotOwnedError when a valid borrow has no owner in this process (it was
 *   revived from JSON here).
 */
export function markRefsOutOfScope(...refs: unknown[]): void {
  for (const ref of refs) {
    const factory = refFactoryOf(ref);
    if (factory === undefined || factory.kind === 'owned' || (!factory.valid && factory.owner === undefined)) continue;
    if (factory.owner === undefined) throw new ReferenceNotOwnedError(`Cannot mark this ${factory.typeName} out of scope: it has no reference to its owner (it was revived in this process).`);
    factory.endBorrow();
  }
}

/** Options of `submit`. */
export interface SubmitOptions {
  /** More borrows to mark out of scope, for ones nested inside the arguments. */
  readonly registerCustomRefs?: Iterable<unknown> | undefined;
}

/**
 * Runs a task with borrows among its arguments and marks those borrows out of scope when the
 * task's promise settles, whatever the outcome. Works with any engine whose submit returns a
 * promise (`pool.run(...)`, `queue.add(...)` then `job.waitUntilFinished()`, a fetch...).
 * @param run - starts the task with the arguments and returns its promise.
 * @param args - the arguments; `RefProxy` and `RefMutProxy` values among them are registered.
 * @param options - `registerCustomRefs` for borrows nested deeper.
 * @returns the task's promise.
 * @example
 * ```ts
 * const owned = await store.ownedProxy([1, 2, 3]);
 * const total = await submit((xs) => pool.run({ xs: JSON.stringify(xs) }), [borrow(owned)]);
 * ```
 */
export async function submit<A extends unknown[], R>(run: (...args: A) => Promise<R>, args: A, options: SubmitOptions = {}): Promise<R> {
  const refs = [...(options.registerCustomRefs ?? []), ...args].filter((v) => {
    const kind = refFactoryOf(v)?.kind;
    return kind === 'ref' || kind === 'mut';
  });
  try {
    return await run(...args);
  } finally {
    markRefsOutOfScope(...refs);
  }
}

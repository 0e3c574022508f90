/**
 * Deadlines and cancellation for connector calls, in one place: every connector turns its
 * `CallOptions` into one `AbortSignal` here, so a timeout always surfaces as a
 * `DeadlineExceededError` that says what was being waited for. The mesh's remote calls too: a
 * peer client's call runs under a `callScope` and is cancelled when its signal fires, failing
 * with the signal's reason.
 * @module
 */
import { DeadlineExceededError } from '../errors.js';
import type { CallOptions } from './protocol.js';

/**
 * One signal that aborts when the caller's signal does or when `timeoutMs` passes. A timeout
 * aborts with a `DeadlineExceededError` whose message starts with `what`.
 * Returns `undefined` when there is nothing to abort on.
 */
export function callSignal(options: CallOptions | undefined, what: string): AbortSignal | undefined {
  // Never disposed, so its timer must not hold the process open after the call is over.
  return scope(options, what, false).signal;
}

/** A call's signal, and `dispose()` to clear its deadline timer once the call is over. */
export interface CallScope {
  readonly signal: AbortSignal | undefined;
  dispose(): void;
}

/**
 * Like `callSignal`, for calls that end long before their deadline (most remote calls): the
 * caller disposes of the scope when the call is over, so a finished call holds no timer. Until
 * then the deadline keeps the process alive, so a program whose only work is a wait with a
 * deadline ends with DeadlineExceededError rather than with nothing left to run.
 */
export function callScope(options: CallOptions | undefined, what: string): CallScope {
  return scope(options, what, true);
}

function scope(options: CallOptions | undefined, what: string, keepAlive: boolean): CallScope {
  const signals: AbortSignal[] = [];
  if (options?.signal) signals.push(options.signal);
  let timer: NodeJS.Timeout | undefined;
  if (options?.timeoutMs !== undefined) {
    const ms = options.timeoutMs;
    const controller = new AbortController();
    timer = setTimeout(() => controller.abort(deadlineError(what, ms)), ms);
    if (!keepAlive) timer.unref();
    signals.push(controller.signal);
  }
  const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  return { signal, dispose: () => clearTimeout(timer) };
}

/** The error of a call or wait that `timeoutMs` cut short; `what` starts its message. */
export function deadlineError(what: string, ms: number): DeadlineExceededError {
  return new DeadlineExceededError(`${what} did not finish within ${ms} ms. Raise timeoutMs or check that the value is being produced.`);
}

/** Throws the signal's reason if it has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** The reason a signal fired, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it fires. The promise
 * keeps running; use this only where the work itself cannot be cancelled.
 */
export async function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  throwIfAborted(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs `work` under the caller's deadline and signal when it has any: the caller stops waiting
 * when either fires, with the same error a remote call gives (`what` starts a deadline's
 * message). The work itself is not cancelled; use this where it cannot be (a peer of this
 * process answers from its table or its thread).
 */
export async function withinCall<T>(options: CallOptions | undefined, what: string, work: () => Promise<T>): Promise<T> {
  if (options?.signal === undefined && options?.timeoutMs === undefined) return work();
  const scope = callScope(options, what);
  try {
    throwIfAborted(scope.signal);
    return await raceSignal(work(), scope.signal);
  } finally {
    scope.dispose();
  }
}

/**
 * Polling with backoff: how a store waits for a key on a connector that cannot push
 * (ProxyStore's only way; here the fallback for connectors without `awaitKey`).
 * @module
 */
import { abortReason, throwIfAborted } from '../core/call-options.js';
import { InvalidArgumentError } from '../errors.js';

/** How to poll. The interval starts at `initialMs` and grows by `factor` up to `maxMs`. */
export interface PollingOptions {
  /** Wait after the first miss, in ms. Default 10. */
  readonly initialMs?: number | undefined;
  /** Growth of the wait after each miss, at least 1 (1 = a fixed interval). Default 2. */
  readonly factor?: number | undefined;
  /** Longest wait between polls, in ms. Default 1000. */
  readonly maxMs?: number | undefined;
  /**
   * How to wait between polls; tests pass a fake clock here. It must reject with the signal's
   * reason when the signal fires. Default: a timer.
   */
  readonly sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
}

/** The defaults: quick at first, then at most one poll a second. */
export const DEFAULT_POLLING = { initialMs: 10, factor: 2, maxMs: 1000 } as const;

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it fires.
 * @param ms - how long.
 * @param signal - aborts the wait.
 * @returns a promise that settles after the wait.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    // Not unref'd: a program whose only work is waiting for a value must stay alive for it.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The successive waits `pollUntil` uses.
 * @param options - the polling options.
 * @returns an endless iterator of intervals in ms.
 * @throws InvalidArgumentError when an option is out of range.
 */
export function* backoff(options: PollingOptions = {}): Generator<number, never> {
  const initial = options.initialMs ?? DEFAULT_POLLING.initialMs;
  const factor = options.factor ?? DEFAULT_POLLING.factor;
  const max = options.maxMs ?? Math.max(DEFAULT_POLLING.maxMs, initial);
  if (!(initial >= 0 && Number.isFinite(initial)) || !(factor >= 1 && Number.isFinite(factor)) || !(max >= initial && Number.isFinite(max))) {
    throw new InvalidArgumentError(
      `Polling options must satisfy 0 <= initialMs <= maxMs and factor >= 1, all finite: got initialMs ${initial}, factor ${factor}, maxMs ${max}.`,
    );
  }
  for (let interval = initial; ; interval = Math.min(interval * factor, max)) yield interval;
}

/**
 * Calls `read` until it returns a value, waiting longer after each miss. It never gives up on
 * its own: give it a signal (with a deadline, see `callSignal`) to bound the wait.
 * @param read - one poll; `undefined` means "not yet".
 * @param options - the polling options and the signal that ends the wait.
 * @returns the first value `read` returns.
 * @throws the signal's reason (e.g. `DeadlineExceededError`) when it fires first.
 * @throws InvalidArgumentError when an option is out of range.
 * @throws whatever `read` throws.
 */
export async function pollUntil<T>(read: () => Promise<T | undefined>, options: PollingOptions & { readonly signal?: AbortSignal | undefined } = {}): Promise<T> {
  const wait = options.sleep ?? sleep;
  const { signal } = options;
  for (const interval of backoff(options)) {
    throwIfAborted(signal);
    const value = await read();
    if (value !== undefined) return value;
    await wait(interval, signal);
  }
  throw new Error('unreachable: backoff() never ends');
}

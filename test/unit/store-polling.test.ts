import { describe, expect, it } from 'vitest';
import { callSignal } from '../../src/core/call-options.js';
import { DeadlineExceededError, InvalidArgumentError } from '../../src/errors.js';
import { backoff, pollUntil } from '../../src/store/polling.js';

/** A fake clock for `pollUntil`: records each requested wait and returns at once. */
function recordingSleep(waits: number[], onSleep: (n: number) => void = () => undefined) {
  return async (ms: number, signal: AbortSignal | undefined): Promise<void> => {
    signal?.throwIfAborted();
    waits.push(ms);
    onSleep(waits.length);
  };
}

describe('polling with backoff', () => {
  // The wait starts at initialMs, grows by factor and stops growing at maxMs.
  it('grows the interval by the factor up to the maximum', () => {
    const intervals = backoff({ initialMs: 5, factor: 3, maxMs: 100 });
    expect(Array.from({ length: 6 }, () => intervals.next().value)).toEqual([5, 15, 45, 100, 100, 100]);
  });

  // Polls until the read returns a value, with one wait after each miss.
  it('returns the first value read, after one wait per miss', async () => {
    const waits: number[] = [];
    let reads = 0;
    const value = await pollUntil(async () => (++reads === 4 ? 'ready' : undefined), { initialMs: 1, factor: 2, maxMs: 3, sleep: recordingSleep(waits) });
    expect(value).toBe('ready');
    expect(reads).toBe(4);
    expect(waits).toEqual([1, 2, 3]);
  });

  // An aborted signal ends the wait with the signal's reason, between polls.
  it('stops when the signal fires', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const waits: number[] = [];
    const polling = pollUntil(async () => undefined, { signal: controller.signal, sleep: recordingSleep(waits, (n) => n === 2 && controller.abort(reason)) });
    await expect(polling).rejects.toBe(reason);
    expect(waits).toHaveLength(2);
  });

  // A deadline (from callSignal) surfaces as DeadlineExceededError naming what was awaited; the real timer sleep is aborted.
  it('gives up at the deadline with DeadlineExceededError', async () => {
    const signal = callSignal({ timeoutMs: 20 }, 'Waiting for key "k"');
    const polling = pollUntil(async () => undefined, { signal, initialMs: 5, maxMs: 5 });
    await expect(polling).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(polling).rejects.toThrow(/Waiting for key "k" did not finish within 20 ms/);
  });

  // Nonsense options are refused up front.
  it('refuses out-of-range options', async () => {
    await expect(pollUntil(async () => 1, { factor: 0.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(pollUntil(async () => 1, { initialMs: 10, maxMs: 5 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

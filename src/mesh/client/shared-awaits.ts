/**
 * Concurrent waits on one key share one wait on its owner: the first waiter starts it (an
 * `Await` stream), later ones join it, and its value or error fans out to all of them. A pending
 * `Await` stream costs the owner an HTTP/2 stream and a gRPC call (~12.7 KB of heap when each
 * waiter had its own, ~7.5 KB since the peer serves on bare grpc-js), and waking 10,000 of them
 * took 1.6–2.4 s (BENCHMARKS.md, Tuning: "Shared waits: fan-out and memory per waiter" and "The
 * peer's server on bare grpc-js"); one stream per process and key costs the owner the same
 * whatever the number of waiters, and wakes them all in one event-loop turn.
 *
 * Each waiter keeps its own signal (and so its own deadline): leaving ends only its own wait.
 * When the last waiter leaves, the shared wait is cancelled, so the owner frees its state. A
 * wait that has settled is forgotten at once: a later waiter starts a fresh one.
 *
 * Every waiter receives the same `Payload` (one buffer, not a copy each), as waiters on an
 * in-process table do; payloads are read-only by contract. An error is likewise one instance.
 * @module
 */
import { abortReason } from '../../core/call-options.js';
import type { Payload } from '../../core/protocol.js';
import { WaiterTable } from '../../core/waiters.js';

/** Shared waits by key name. */
export class SharedAwaits {
  // The wait on the owner for each name, cancelled through its controller.
  readonly #owners = new Map<string, AbortController>();
  readonly #waiters = new WaiterTable<Payload>((name) => this.#cancel(name));

  /**
   * Waits for a key's payload, sharing the wait already in progress for `name` if there is one.
   * Joining happens synchronously, before this returns.
   * @param name - the key's canonical name: waits with equal names are shared.
   * @param start - starts the wait on the owner; it must end when its signal fires.
   * @param signal - ends this waiter's wait only, rejecting with the signal's reason.
   * @returns the payload, shared with the other waiters.
   * @throws what `start`'s wait throws, or the signal's reason.
   */
  wait(name: string, start: (signal: AbortSignal) => Promise<Payload>, signal?: AbortSignal): Promise<Payload> {
    // Checked first: a waiter that never joins must not start a wait nobody would cancel.
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (!this.#owners.has(name)) this.#start(name, start);
    return this.#waiters.wait(name, signal);
  }

  #start(name: string, start: (signal: AbortSignal) => Promise<Payload>): void {
    const controller = new AbortController();
    this.#owners.set(name, controller);
    let waiting: Promise<Payload>;
    try {
      waiting = start(controller.signal);
    } catch (error) {
      // A synchronous throw fails the waiters like any other error.
      waiting = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // Only the current wait for a name delivers (a cancelled one settles to nobody), and once
    // settled it is forgotten, so the next waiter starts afresh.
    const current = (): boolean => {
      if (this.#owners.get(name) !== controller) return false;
      this.#owners.delete(name);
      return true;
    };
    waiting.then(
      (payload) => {
        if (current()) this.#waiters.wake(name, payload);
      },
      (error: unknown) => {
        const e = error instanceof Error ? error : new Error(String(error));
        if (current()) this.#waiters.fail(name, () => e);
      },
    );
  }

  /** The last waiter left: cancel the wait on the owner, so it frees its state. */
  #cancel(name: string): void {
    const controller = this.#owners.get(name);
    this.#owners.delete(name);
    controller?.abort(new Error(`Every waiter on ${name} has left.`));
  }
}

/**
 * ProxyStore's way of waiting for a key, for connectors that cannot push: check, then sleep
 * an interval that grows by `factor` up to `maxIntervalMs`. Mesh, Redis, File and Local push
 * instead; this is the fallback for third-party connectors.
 * @module
 */
import { callSignal, throwIfAborted } from '../connectors/call-options.js';
import type { CallOptions, Connector, JsonValue, Payload } from '../connectors/protocol.js';

/** Polling schedule. Defaults: 1 ms, doubling, at most 1 s (ProxyStore polls every 1 s). */
export interface PollingOptions extends CallOptions {
  readonly intervalMs?: number | undefined;
  readonly factor?: number | undefined;
  readonly maxIntervalMs?: number | undefined;
}

/** Resolves with the key's payload once `get` finds it. */
export async function pollForKey<K extends JsonValue>(connector: Connector<K>, key: K, options: PollingOptions = {}): Promise<Payload> {
  const signal = callSignal(options, `Waiting for key ${JSON.stringify(key)}`);
  let interval = options.intervalMs ?? 1;
  for (;;) {
    throwIfAborted(signal);
    const payload = await connector.get(key, signal ? { signal } : {});
    if (payload !== undefined) return payload;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    interval = Math.min(interval * (options.factor ?? 2), options.maxIntervalMs ?? 1_000);
  }
}

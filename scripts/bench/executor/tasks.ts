/**
 * The bench's task, registered by both worker roles: every byte plus one, on bytes (proxied)
 * or on base64 text (by value, what a JSON job can carry).
 * @module
 */
import { defineTasks } from '../../../src/executor/tasks.js';
import { isProxy, resolve } from '../../../src/proxy/control.js';

/** The task's work, also used by the client to check results. */
export function increment(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) out[i] = (bytes[i]! + 1) & 0xff;
  return out;
}

export const tasks = defineTasks({
  increment: async (bytes: Uint8Array): Promise<Buffer> => increment(isProxy(bytes) ? await resolve(bytes) : bytes),
  incrementText: (base64: string): string => increment(Buffer.from(base64, 'base64')).toString('base64'),
});

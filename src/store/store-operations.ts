/**
 * Which key each store operation concerns, for metrics (see `metered.ts`). Batch operations
 * and proxies are charged to the aggregate only: a proxy's key is charged through its `put`.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import type { KeysOf } from './metered.js';

const firstArgument: KeysOf = (args) => [args[0] as JsonValue];
const result: KeysOf = (_args, key) => [key as JsonValue];
const aggregateOnly: KeysOf = () => [];

/** Operation name → the keys a call concerns. */
export const operationKeys: Readonly<Record<string, KeysOf>> = {
  put: result,
  putBatch: aggregateOnly,
  get: firstArgument,
  getBatch: aggregateOnly,
  exists: firstArgument,
  evict: firstArgument,
  set: firstArgument,
  waitFor: firstArgument,
  newKey: result,
  proxy: aggregateOnly,
  proxyBatch: aggregateOnly,
  future: (_args, future) => [(future as { readonly key: JsonValue }).key],
};

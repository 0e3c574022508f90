/**
 * The JSON reviver: `JSON.parse(text, reviver)` turns the references `JSON.stringify` made of
 * proxies and futures back into live ones, in any process. Stores are found by name or rebuilt
 * from the reference's config lazily, on first use, because a reviver must return at once.
 * @module
 */
import { isPreparable } from '../core/connector-guards.js';
import type { JsonValue } from '../core/protocol.js';
import { InvalidArgumentError } from '../errors.js';
import type { ProxyReference, ReferenceKind, TargetShape } from '../core/reference.js';
import { prepareBlocking } from './blocking-resolver.js';
import { configSource } from './get-or-create.js';
import { parseReferenceExtras } from './reference-extras.js';
import { parseStoreConfig } from './store-config.js';
import { reviveRef } from './ownership/make.js';
import type { StoreSource } from './store-source.js';
import { makeProxy } from './store-proxy.js';
import { Future } from './future.js';

const SHAPES: readonly unknown[] = ['object', 'array', 'function'] satisfies TargetShape[];
const OWNERSHIP: readonly unknown[] = ['owned', 'ref', 'mut'] satisfies ReferenceKind[];

/**
 * Checks a parsed `{"$proxymesh": …}` object.
 * @param value - the object.
 * @returns it, as a reference.
 * @throws InvalidArgumentError naming the bad field.
 */
export function parseReference(value: Record<string, unknown>): ProxyReference {
  const bad = (what: string): InvalidArgumentError =>
    new InvalidArgumentError(`Malformed proxymesh reference (${what}): ${JSON.stringify(value)}. Send what JSON.stringify(proxy) or JSON.stringify(future) produced.`);
  const { $proxymesh: kind, key, store, evict, shape, capability, wait, ownership } = value;
  if (kind !== 'proxy' && kind !== 'future') throw bad('"$proxymesh" must be "proxy" or "future"');
  if (key === undefined) throw bad('"key" is missing');
  if (typeof evict !== 'boolean') throw bad('"evict" must be a boolean');
  if (!SHAPES.includes(shape)) throw bad('"shape" must be "object", "array" or "function"');
  if (capability !== undefined && typeof capability !== 'string') throw bad('"capability" must be a string');
  if (wait !== undefined && typeof wait !== 'boolean') throw bad('"wait" must be a boolean');
  if (kind === 'proxy' && capability !== undefined) throw bad('a proxy reference never carries a capability');
  if (ownership !== undefined && (kind !== 'proxy' || !OWNERSHIP.includes(ownership))) throw bad('"ownership" must be "owned", "ref" or "mut", in a proxy reference');
  parseStoreConfig(store);
  const extras = parseReferenceExtras(value, bad);
  const reference = { $proxymesh: kind, key: key as JsonValue, store, evict, shape, ...(wait === true ? { wait } : {}), ...(ownership !== undefined ? { ownership } : {}), ...extras } as ProxyReference;
  return capability === undefined ? reference : { ...reference, capability };
}

/**
 * A revived future is set later, in this process: its store is opened and its connector gets
 * ready now (the mesh loads its client, opens its channel to the owner and locates it), so that
 * this process's own work covers what its first `setResult` would otherwise wait for. A failure
 * here is left for `setResult` to report.
 */
function prepareSetter(source: StoreSource, key: JsonValue): void {
  void source
    .open()
    .then((store) => (isPreparable(store.connector) ? store.connector.prepare(key, 'set') : undefined))
    .catch(() => undefined);
}

/**
 * A `JSON.parse` reviver that turns proxy references into proxies and future references into
 * `Future`s. Other values pass through unchanged.
 * @param _key - the property being revived (unused).
 * @param value - its parsed value.
 * @returns a proxy, a Future, or `value`.
 * @throws InvalidArgumentError when an object with a `$proxymesh` field is not a valid reference.
 * @example
 * ```ts
 * const text = JSON.stringify({ input: proxy, output: future });
 * const { input, output } = JSON.parse(text, reviver); // in another process
 * await output.setResult(work(input));
 * ```
 */
export function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, '$proxymesh')) return value;
  const reference = parseReference(value as Record<string, unknown>);
  const source = configSource(reference.store);
  if (reference.$proxymesh === 'future') {
    const { evict, shape, capability, timeoutMs, polling } = reference;
    const future = new Future(source, reference.key, { evict, shape, capability, timeoutMs, polling });
    prepareSetter(source, reference.key);
    return future;
  }
  // An ownership proxy moves here: the sender's copy became invalid when it was serialised.
  if (reference.ownership !== undefined) return reviveRef({ ...reference, ownership: reference.ownership }, source);
  const { key, evict, shape, deserializer, timeoutMs, polling } = reference;
  const proxy = makeProxy(source, { wait: reference.wait === true, key, evict, shape, deserializer, timeoutMs, polling });
  // The proxy of a future's value is used later, once produced: the blocking bridge starts now
  // so that its start-up overlaps this process's own work instead of delaying that first use.
  if (reference.wait === true) prepareBlocking(reference);
  return proxy;
}

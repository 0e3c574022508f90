/**
 * What `console.log(p)` and `util.inspect(p)` show: `Proxy(<the target, inspected>)` once
 * resolved, `Proxy(unresolved key=<key>)` before, and never a resolution.
 *
 * Node's inspect does not go through a proxy's traps: it unwraps the proxy and inspects the
 * placeholder, looking up `util.inspect.custom` *on the placeholder* and calling it with the
 * proxy as `this`. So the hook is installed on the placeholder (non-enumerable and configurable,
 * so the Proxy invariants never make it visible through the proxy), and it finds the proxy's
 * state from `this`.
 * @module
 */
import type { ProxyState } from './state.js';

/** `util.inspect.custom`, without importing `node:util` at load time. */
export const inspectSymbol: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** The slice of Node's `inspect` signature the hook uses. */
type Inspect = (value: unknown, options?: InspectOptions) => string;

/** The slice of Node's inspect options the hook uses. */
interface InspectOptions {
  readonly depth?: number | null;
  readonly [option: string]: unknown;
}

/**
 * How an unresolved proxy names its key: the reference's key as JSON, or nothing when the
 * factory cannot describe itself (inspecting must never throw).
 * @param state - the proxy's state
 * @returns e.g. ` key={"id":"abc"}`, or an empty string
 * @example
 * keyLabel(state); // ' key="k1"'
 */
export function keyLabel(state: ProxyState): string {
  try {
    return ` key=${JSON.stringify(state.factory.reference().key)}`;
  } catch {
    return '';
  }
}

/**
 * Renders a proxy for `util.inspect` without resolving it.
 * @param state - the proxy's state
 * @param depth - the depth left at this level, as Node passed it to the hook
 * @param options - the options Node passed to the hook
 * @param inspect - Node's `inspect`, as passed to the hook
 * @returns `Proxy(…)`
 * @example
 * util.inspect(createProxy(factoryOf({ a: 1 }), { target: { a: 1 } })); // 'Proxy({ a: 1 })'
 */
export function renderProxy(state: ProxyState, depth: number, options: InspectOptions, inspect: Inspect): string {
  if (!state.resolved) return `Proxy(unresolved${keyLabel(state)})`;
  // The proxy is transparent, so `Proxy(…)` spends no depth: the target gets what is left here.
  return `Proxy(${inspect(state.target, { ...options, depth: options.depth === null ? null : depth })})`;
}

/**
 * Installs the inspect hook on a placeholder.
 * @param placeholder - the placeholder of a new proxy
 * @param lookup - finds the state of the proxy the hook is called on (`this`)
 * @example
 * installInspect(placeholder, (self) => states.get(self));
 */
export function installInspect(placeholder: object, lookup: (self: unknown) => ProxyState | undefined): void {
  function inspectProxy(this: unknown, depth: number, options: InspectOptions, inspect: Inspect): string {
    const state = lookup(this);
    return state === undefined ? 'Proxy(<detached>)' : renderProxy(state, depth, options, inspect);
  }
  Object.defineProperty(placeholder, inspectSymbol, { value: inspectProxy, writable: false, enumerable: false, configurable: true });
}

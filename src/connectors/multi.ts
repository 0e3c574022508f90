/**
 * `MultiConnector`: several named connectors behind one, each with a policy (ProxyStore's
 * `Policy`: priority, size bounds, tags, host patterns). A new object goes to the
 * highest-priority connector whose policy accepts it; its key records which connector that was,
 * and the config carries every connector's config and policy, so a proxy resolves in any process.
 * @module
 */
import { hostname } from 'node:os';
import { abortReason, callSignal, throwIfAborted } from '../core/call-options.js';
import { checkPayload } from '../core/connector-input.js';
import { payloadBytes } from '../core/file-payload.js';
import { isAwaitable, isDeferrable } from '../core/connector-guards.js';
import type { AwaitableConnector, CallOptions, Connector, ConnectorConfig, ConnectorSetOptions, DeferrableConnector, JsonValue, Payload } from '../core/protocol.js';
import { InvalidArgumentError, MultiConnectorError, NotImplementedError } from '../errors.js';
import { describeInput as describeKey } from '../util/describe-input.js';
import { checkMultiKey, groupPositions, type MultiKey } from './multi-key.js';
import { Members, type MultiMember } from './multi-members.js';
import type { PlacementOptions, Policy } from './multi-policy.js';

/** Options of `new MultiConnector()` and `MultiConnector.fromConfig()`. */
export interface MultiConnectorOptions {
  /** The host name the policies' `hostPattern`s are matched against. Default `os.hostname()`. */
  readonly hostname?: string | undefined;
}

/** Options of `put`, `putBatch` and `newKey`: the call's signal and deadline, and the object's tags. */
export type MultiPutOptions = CallOptions & PlacementOptions;

/** What other connectors may also do, which the MultiConnector passes on to the one holding a key. */
interface Extras {
  replace?(key: JsonValue, payload: Payload, options?: CallOptions): Promise<void>;
  prepare?(key?: JsonValue, use?: 'wait' | 'set'): Promise<void>;
  getSync?(key: JsonValue): Payload | undefined;
  isPending?(key: JsonValue): boolean;
}

/**
 * Routes objects between named connectors by policy. Deferrable and awaitable whenever the
 * connector chosen for a key is; connectors whose `hostPattern` does not match this host are
 * dormant here: never chosen for new objects or futures, but the keys they made elsewhere still
 * resolve, and futures made elsewhere can still be set (ProxyStore refuses those calls; here a
 * proxy or future made on one host works on any other).
 * @example
 * ```ts
 * const multi = new MultiConnector({
 *   small: { connector: new MeshConnector(), policy: { maxSizeBytes: 1_000_000 } },
 *   large: { connector: new FileConnector({ directory: '/shared/proxymesh' }), policy: { minSizeBytes: 1_000_001 } },
 * });
 * const store = new Store('routed', multi);
 * ```
 */
export class MultiConnector implements DeferrableConnector<MultiKey>, AwaitableConnector<MultiKey> {
  readonly kind = 'multi';
  readonly #members: Members;

  /**
   * @param connectors - the connectors by name, each with its policy (default: accepts
   * everything, priority 0); one given as `{config}` is built on first use.
   * @param options - the host name policies are matched against.
   * @throws InvalidArgumentError when there is no connector or a policy is malformed.
   */
  constructor(connectors: Readonly<Record<string, MultiMember>>, options: MultiConnectorOptions = {}) {
    this.#members = new Members(connectors, options.hostname ?? hostname());
  }

  /**
   * Rebuilds a MultiConnector from `config()`, in any process. Its connectors are built on
   * first use, so a process only ever builds the ones whose keys it meets.
   * @param config - a config from `config()`.
   * @param options - the host name policies are matched against.
   * @returns the connector.
   * @throws InvalidArgumentError when the config is malformed.
   */
  static fromConfig(config: ConnectorConfig, options: MultiConnectorOptions = {}): MultiConnector {
    const connectors = config['connectors'];
    const bad = (what: string): InvalidArgumentError =>
      new InvalidArgumentError(`Not a MultiConnector config (${what}): ${JSON.stringify(config)}. Pass what MultiConnector.config() returned.`);
    if (typeof connectors !== 'object' || connectors === null || Array.isArray(connectors)) throw bad('"connectors" must be an object');
    const members: Record<string, MultiMember> = {};
    for (const [name, member] of Object.entries(connectors)) {
      const m = member as { connector?: unknown; policy?: unknown } | null;
      const inner = m?.connector as Partial<ConnectorConfig> | undefined;
      if (typeof inner !== 'object' || inner === null || typeof inner.kind !== 'string') throw bad(`connector "${name}" needs a connector config with a string "kind"`);
      members[name] = { config: inner as ConnectorConfig, policy: m?.policy as Policy | undefined };
    }
    return new MultiConnector(members, options);
  }

  /** The names of the connectors, highest priority first. */
  get connectorNames(): readonly string[] {
    return this.#members.names;
  }

  config(): ConnectorConfig {
    return { kind: this.kind, connectors: this.#members.config() };
  }

  /**
   * Stores a payload in the highest-priority connector whose policy accepts its size and tags.
   * @param payload - the codec tag and bytes.
   * @param options - signal, deadline, `subsetTags` and `supersetTags`.
   * @returns the key, naming the connector.
   * @throws MultiConnectorError when no policy accepts the object here.
   */
  async put(payload: Payload, options?: MultiPutOptions): Promise<MultiKey> {
    checkPayload(payload, 'MultiConnector');
    const name = this.#members.choose({ ...placement(options), sizeBytes: payloadBytes(payload) });
    const key = await (await this.#members.open(name)).put(payload, callOptions(options));
    return { connector: name, key };
  }

  /**
   * Stores payloads, each in the connector its size and the tags choose, one batch per connector.
   * @throws MultiConnectorError when no policy accepts one of them (nothing is stored).
   */
  async putBatch(payloads: readonly Payload[], options?: MultiPutOptions): Promise<MultiKey[]> {
    for (const p of payloads) checkPayload(p, 'MultiConnector');
    const names = payloads.map((p) => this.#members.choose({ ...placement(options), sizeBytes: payloadBytes(p) }));
    const keys: MultiKey[] = new Array<MultiKey>(payloads.length);
    await Promise.all(
      [...groupPositions(names)].map(async ([name, positions]) => {
        const made = await (await this.#members.open(name)).putBatch(positions.map((i) => payloads[i]!), callOptions(options));
        positions.forEach((i, j) => (keys[i] = { connector: name, key: made[j]! }));
      }),
    );
    return keys;
  }

  async get(key: MultiKey, options?: CallOptions): Promise<Payload | undefined> {
    const { connector, key: inner } = await this.#route(key);
    return connector.get(inner, callOptions(options));
  }

  async getBatch(keys: readonly MultiKey[], options?: CallOptions): Promise<(Payload | undefined)[]> {
    const names = keys.map((k) => this.#check(k).connector);
    const out = new Array<Payload | undefined>(keys.length);
    await Promise.all(
      [...groupPositions(names)].map(async ([name, positions]) => {
        const got = await (await this.#members.open(name)).getBatch(positions.map((i) => keys[i]!.key), callOptions(options));
        positions.forEach((i, j) => (out[i] = got[j]));
      }),
    );
    return out;
  }

  async exists(key: MultiKey, options?: CallOptions): Promise<boolean> {
    const { connector, key: inner } = await this.#route(key);
    return connector.exists(inner, callOptions(options));
  }

  async evict(key: MultiKey, options?: CallOptions): Promise<void> {
    const { connector, key: inner } = await this.#route(key);
    await connector.evict(inner, callOptions(options));
  }

  /**
   * Makes a future's key in the connector the tags choose (size is not known yet, so policies'
   * size bounds are not checked).
   * @param options - signal, deadline, `subsetTags` and `supersetTags`.
   * @returns the key, naming the connector.
   * @throws MultiConnectorError when no policy accepts a future with these tags here.
   * @throws NotImplementedError when the chosen connector is not deferrable.
   */
  async newKey(options?: MultiPutOptions): Promise<MultiKey> {
    const name = this.#members.choose(placement(options));
    const connector = await this.#members.open(name);
    if (!isDeferrable(connector)) throw notDeferrable(name, connector, 'make a future\'s key');
    return { connector: name, key: await connector.newKey(callOptions(options)) };
  }

  async set(key: MultiKey, payload: Payload, options?: ConnectorSetOptions): Promise<void> {
    const { connector, key: inner, name } = await this.#route(key);
    if (!isDeferrable(connector)) throw notDeferrable(name, connector, `set key ${describeKey(key)}`);
    await connector.set(inner, payload, { ...callOptions(options), capability: options?.capability });
  }

  capabilityFor(key: MultiKey): string | undefined {
    const { connector, key: inner } = this.#check(key);
    const built = this.#members.built(connector) as Partial<DeferrableConnector> | undefined;
    return built?.capabilityFor?.(inner);
  }

  /**
   * Resolves with the payload as soon as the key holds one: pushed by the connector holding it
   * when it can, polled otherwise.
   * @throws KeyNotFoundError / DeadlineExceededError as that connector's `awaitKey`.
   */
  async awaitKey(key: MultiKey, options?: CallOptions): Promise<Payload> {
    const { connector, key: inner } = await this.#route(key);
    if (isAwaitable(connector)) return connector.awaitKey(inner, callOptions(options));
    return poll(connector, inner, callSignal(options, `Waiting for key ${describeKey(key)} of a MultiConnector`));
  }

  /**
   * Replaces a stored value (ownership's `update`), where the connector holding it can.
   * @throws NotImplementedError when it cannot.
   */
  async replace(key: MultiKey, payload: Payload, options?: CallOptions): Promise<void> {
    const { connector, key: inner, name } = await this.#route(key);
    const c = connector as Connector & Extras;
    if (typeof c.replace !== 'function') throw new NotImplementedError(`Cannot replace key ${describeKey(key)}: its connector "${name}" (${connector.kind}) has no replace(). Put a new object instead.`);
    await c.replace(inner, payload, callOptions(options));
  }

  /**
   * Gets the connector holding a key ready for a call (the mesh opens its channel to the owner).
   * @param key - the key; without one there is nothing to prepare.
   * @param use - what the call will be.
   */
  async prepare(key?: JsonValue, use: 'wait' | 'set' = 'wait'): Promise<void> {
    if (key === undefined) return;
    const { connector, key: inner } = await this.#route(key as MultiKey);
    await (connector as Connector & Extras).prepare?.(inner, use);
  }

  /**
   * Reads synchronously where the connector holding the key can (in-process memory).
   * @returns the payload, or `undefined` when missing, pending or not readable synchronously.
   */
  getSync(key: MultiKey): Payload | undefined {
    const { connector, key: inner } = this.#check(key);
    return (this.#members.built(connector) as (Connector & Extras) | undefined)?.getSync?.(inner);
  }

  /**
   * Whether the key is a future's key nobody has set yet, where its connector can tell at once.
   * @returns true while pending; false when set, missing or not known synchronously.
   */
  isPending(key: MultiKey): boolean {
    const { connector, key: inner } = this.#check(key);
    return (this.#members.built(connector) as (Connector & Extras) | undefined)?.isPending?.(inner) ?? false;
  }

  /** Closes every connector this MultiConnector built or was given. Idempotent. */
  close(): Promise<void> {
    return this.#members.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #check(key: MultiKey): MultiKey {
    const checked = checkMultiKey(key);
    if (!this.#members.has(checked.connector)) {
      throw new MultiConnectorError(
        `Key ${describeKey(key)} names connector "${checked.connector}", which this MultiConnector does not have (it has ${this.#members.names.join(', ')}). ` +
          'The key was made by a MultiConnector with another config: resolve it through the store that made it, or a store rebuilt from that store\'s config.',
      );
    }
    return checked;
  }

  async #route(key: MultiKey): Promise<{ connector: Connector; key: JsonValue; name: string }> {
    const { connector: name, key: inner } = this.#check(key);
    return { connector: await this.#members.open(name), key: inner, name };
  }
}

// A connector gets the call's signal and deadline only, never the MultiConnector's tags.
function callOptions(options: CallOptions | undefined): CallOptions {
  return { signal: options?.signal, timeoutMs: options?.timeoutMs };
}

function placement(options: PlacementOptions | undefined): PlacementOptions {
  return { subsetTags: options?.subsetTags, supersetTags: options?.supersetTags };
}

function notDeferrable(name: string, connector: Connector, what: string): NotImplementedError {
  return new NotImplementedError(
    `The MultiConnector cannot ${what}: its connector "${name}" (${connector.kind}) does not implement DeferrableConnector (newKey and set). Give futures a deferrable connector, by priority or by tags.`,
  );
}

// For a connector that cannot push: get until a payload is there, backing off up to a second.
async function poll(connector: Connector, key: JsonValue, signal: AbortSignal | undefined): Promise<Payload> {
  for (let wait = 10; ; wait = Math.min(wait * 2, 1000)) {
    throwIfAborted(signal);
    const payload = await connector.get(key, { signal });
    if (payload !== undefined) return payload;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

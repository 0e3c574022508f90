/**
 * The connectors a `MultiConnector` routes between: each with its policy, built now or (when
 * given by config) on first use, and chosen for new objects by priority, size, tags and host.
 * @module
 */
import { ClosedError, InvalidArgumentError, MultiConnectorError } from '../errors.js';
import type { Connector, ConnectorConfig, JsonValue } from '../core/protocol.js';
import { accepts, fullPolicy, policyJson, validOnHost, type Constraints, type FullPolicy, type Policy } from './multi-policy.js';
import { connectorFromConfig } from './registry.js';

/** One connector of a MultiConnector: a connector, or the config to build one on first use. */
export type MultiMember =
  | {
      /** The connector, built already. */
      readonly connector: Connector;
      /** When it takes new objects; default: any object, priority 0. */
      readonly policy?: Policy | undefined;
    }
  | {
      /** The config to build the connector from when one of its keys is first met. */
      readonly config: ConnectorConfig;
      /** When it takes new objects; default: any object, priority 0. */
      readonly policy?: Policy | undefined;
    };

interface Member {
  readonly policy: FullPolicy;
  readonly config: ConnectorConfig | undefined;
  connector: Connector | undefined;
  building: Promise<Connector> | undefined;
}

const describeTags = (tags: readonly string[] | undefined): string => (tags === undefined || tags.length === 0 ? 'none' : tags.join(', '));

function describePolicy(name: string, p: FullPolicy): string {
  const size = p.maxSizeBytes === Number.MAX_SAFE_INTEGER ? `at least ${p.minSizeBytes} bytes` : `${p.minSizeBytes} to ${p.maxSizeBytes} bytes`;
  return `"${name}" (priority ${p.priority}, ${size}, subsetTags ${describeTags(p.subsetTags)}, supersetTags ${describeTags(p.supersetTags)})`;
}

/** The members of one MultiConnector. */
export class Members {
  /** This host's name, as the policies' host patterns see it. */
  readonly host: string;
  readonly #members = new Map<string, Member>();
  // Highest priority first; ties keep the order the connectors were given in.
  readonly #byPriority: string[];
  #closed = false;

  /**
   * @param members - the connectors by name.
   * @param host - the host name policies are matched against.
   * @throws InvalidArgumentError when there are none, or a name or policy is malformed.
   */
  constructor(members: Readonly<Record<string, MultiMember>>, host: string) {
    this.host = host;
    for (const [name, m] of Object.entries(members)) {
      if (name === '') throw new InvalidArgumentError('A MultiConnector connector needs a non-empty name.');
      const policy = fullPolicy(m.policy ?? {}, `connector "${name}"`);
      if ('connector' in m) this.#members.set(name, { policy, config: undefined, connector: m.connector, building: undefined });
      else this.#members.set(name, { policy, config: m.config, connector: undefined, building: undefined });
    }
    if (this.#members.size === 0) throw new InvalidArgumentError('A MultiConnector needs at least one connector: give {name: {connector, policy}} for each.');
    this.#byPriority = [...this.#members.keys()].sort((a, b) => this.#get(b).policy.priority - this.#get(a).policy.priority);
  }

  /** The names of the members, highest priority first. */
  get names(): readonly string[] {
    return this.#byPriority;
  }

  /**
   * Whether a member exists.
   * @param name - its name.
   * @returns true when this MultiConnector has it.
   */
  has(name: string): boolean {
    return this.#members.has(name);
  }

  /**
   * The member that takes a new object: the highest-priority one whose policy accepts it here.
   * @param constraints - the object's size (absent for a future's key) and tags.
   * @returns its name.
   * @throws MultiConnectorError when none does; the message lists every policy.
   */
  choose(constraints: Constraints): string {
    const name = this.#byPriority.find((n) => accepts(this.#get(n).policy, constraints, this.host));
    if (name !== undefined) return name;
    const object = constraints.sizeBytes === undefined ? 'a future' : `an object of ${constraints.sizeBytes} bytes`;
    const dormant = this.#byPriority.filter((n) => !validOnHost(this.#get(n).policy, this.host));
    const policies = this.#byPriority.map((n) => describePolicy(n, this.#get(n).policy)).join('; ');
    throw new MultiConnectorError(
      `No connector policy of this MultiConnector accepts ${object} with subsetTags ${describeTags(constraints.subsetTags)} and supersetTags ${describeTags(constraints.supersetTags)} on host "${this.host}". ` +
        `The policies are ${policies}${dormant.length > 0 ? `; dormant on this host (hostPattern does not match): ${dormant.join(', ')}` : ''}. ` +
        'Add a connector whose policy accepts it, or change the tags or the policies.',
    );
  }

  /**
   * A member's connector, building it from its config on first use.
   * @param name - the member's name.
   * @returns the connector.
   * @throws ClosedError when the MultiConnector is closed.
   * @throws what building it throws (e.g. InvalidArgumentError for an unknown kind).
   */
  async open(name: string): Promise<Connector> {
    const m = this.#get(name);
    if (m.connector !== undefined) return m.connector;
    this.#assertOpen();
    m.building ??= connectorFromConfig(m.config!).then(
      async (c) => {
        // Closed while it was being built: it must not outlive the MultiConnector.
        if (this.#closed) {
          await c.close();
          throw this.#closedError();
        }
        return (m.connector = c);
      },
      (error: unknown) => {
        m.building = undefined; // a later call may succeed (a server that came back)
        throw error;
      },
    );
    return m.building;
  }

  /**
   * A member's connector if it is built already.
   * @param name - the member's name.
   * @returns the connector, or `undefined`.
   */
  built(name: string): Connector | undefined {
    return this.#members.get(name)?.connector;
  }

  /**
   * Every member's config and policy, as JSON.
   * @returns `{name: {connector, policy}}`.
   */
  config(): { [name: string]: JsonValue } {
    const out: { [name: string]: JsonValue } = {};
    for (const [name, m] of this.#members) out[name] = { connector: m.connector?.config() ?? m.config!, policy: policyJson(m.policy) };
    return out;
  }

  /** Closes every built member (and any being built). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const members = [...this.#members.values()];
    await Promise.all(members.map(async (m) => (m.connector ?? (await m.building?.catch(() => undefined)))?.close()));
  }

  #get(name: string): Member {
    const m = this.#members.get(name);
    if (m === undefined) throw new Error(`unreachable: no member "${name}"`);
    return m;
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): ClosedError {
    return new ClosedError(`This MultiConnector (connectors ${this.#byPriority.join(', ')}) is closed. Build a new one, or rebuild it from its config.`);
  }
}

/**
 * The connector kind registry: maps `config().kind` to a connector class so that a store can be
 * rebuilt from its config in any process. Built-in kinds load lazily, so importing the package
 * does no work and pulls in no client library the program does not use.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Connector, ConnectorClass, ConnectorConfig } from '../core/protocol.js';

type Loader = () => Promise<ConnectorClass>;

const builtins: Record<string, Loader> = {
  local: async () => (await import('./local.js')).LocalConnector,
  file: async () => (await import('./file.js')).FileConnector,
  redis: async () => (await import('./redis.js')).RedisConnector,
  mesh: async () => (await import('./mesh.js')).MeshConnector,
  multi: async () => (await import('./multi.js')).MultiConnector,
};

const registered = new Map<string, ConnectorClass>();

/**
 * Registers a connector class under a kind, so `connectorFromConfig` can rebuild it.
 * Built-in kinds are known already; registering one of them replaces it.
 * @param kind - the `kind` its connectors' `config()` records.
 * @param cls - the class, whose static `fromConfig` rebuilds a connector.
 */
export function registerConnectorKind(kind: string, cls: ConnectorClass): void {
  registered.set(kind, cls);
}

/**
 * Rebuilds a connector from the config another process's `connector.config()` returned.
 * @param config - the config, with `kind`.
 * @returns the connector.
 * @throws InvalidArgumentError when the kind is unknown or the config is malformed.
 */
export async function connectorFromConfig(config: ConnectorConfig): Promise<Connector> {
  const kind = config.kind;
  const cls = registered.get(kind) ?? (await builtins[kind]?.());
  if (cls === undefined) {
    const known = [...new Set([...Object.keys(builtins), ...registered.keys()])].join(', ');
    throw new InvalidArgumentError(
      `Unknown connector kind ${JSON.stringify(kind)}: known kinds are ${known}. ` +
        'Register custom connectors with registerConnectorKind() in every process that rebuilds them.',
    );
  }
  return cls.fromConfig(config);
}

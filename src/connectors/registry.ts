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
 * The class registered under a kind, or loaded by module specifier earlier in this process.
 * @param kind - the kind.
 * @returns the class, or `undefined` when it is built in or not known yet.
 * @internal
 */
export function registeredConnectorClass(kind: string): ConnectorClass | undefined {
  return registered.get(kind);
}

/**
 * Rebuilds a connector from the config another process's `connector.config()` returned. A kind
 * of the form `<module specifier>#<export>` needs no registration: the module is imported and
 * that export (a class with a static `fromConfig`) rebuilds the connector, so a worker process
 * needs no code of its own to know a custom connector. Use a package name or an absolute
 * `file:` URL as the specifier (`${import.meta.url}#MyConnector` in the connector's module).
 * @param config - the config, with `kind`.
 * @returns the connector.
 * @throws InvalidArgumentError when the kind is unknown, its module cannot be loaded, or the
 * config is malformed.
 */
export async function connectorFromConfig(config: ConnectorConfig): Promise<Connector> {
  const kind = config.kind;
  const cls = registered.get(kind) ?? (await builtins[kind]?.()) ?? (await loadByModule(kind));
  if (cls === undefined) {
    const known = [...new Set([...Object.keys(builtins), ...registered.keys()])].join(', ');
    throw new InvalidArgumentError(
      `Unknown connector kind ${JSON.stringify(kind)}: known kinds are ${known}. ` +
        'Register custom connectors with registerConnectorKind() in every process that rebuilds them, or give them a kind "<module specifier>#<export>" that any process can load.',
    );
  }
  return cls.fromConfig(config);
}

// `<specifier>#<export>`: import the module once and remember the class under the kind.
async function loadByModule(kind: string): Promise<ConnectorClass | undefined> {
  const hash = kind.lastIndexOf('#');
  if (hash <= 0 || hash === kind.length - 1) return undefined;
  const specifier = kind.slice(0, hash);
  const name = kind.slice(hash + 1);
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError(
      `Cannot load connector kind ${JSON.stringify(kind)}: importing ${JSON.stringify(specifier)} failed (${error instanceof Error ? error.message : String(error)}). Install the module where this process runs, or use an absolute file: URL.`,
      { cause: error },
    );
  }
  const cls = module[name] as Partial<ConnectorClass> | undefined;
  if (typeof cls?.fromConfig !== 'function') {
    throw new InvalidArgumentError(`Cannot load connector kind ${JSON.stringify(kind)}: module ${JSON.stringify(specifier)} has no export "${name}" with a static fromConfig(config).`);
  }
  registered.set(kind, cls as ConnectorClass);
  return cls as ConnectorClass;
}

/**
 * Building a connector without waiting, for a proxy's synchronous first use: that use must end
 * with the store built and registered, as `await resolve(proxy)` leaves it, but cannot await the
 * registry's lazy imports. The built-in classes are imported here (the package's entry point
 * loads them anyway); custom kinds are used once registered or loaded by an earlier rebuild.
 * @module
 */
import type { Connector, ConnectorClass, ConnectorConfig } from '../core/protocol.js';
import { FileConnector } from '../connectors/file.js';
import { LocalConnector } from '../connectors/local.js';
import { MeshConnector } from '../connectors/mesh.js';
import { MultiConnector } from '../connectors/multi.js';
import { RedisConnector } from '../connectors/redis.js';
import { registeredConnectorClass } from '../connectors/registry.js';

const builtins: Readonly<Record<string, ConnectorClass>> = { local: LocalConnector, file: FileConnector, redis: RedisConnector, mesh: MeshConnector, multi: MultiConnector };

/**
 * The connector a config describes, if its class can build it synchronously here.
 * @param config - the connector's config.
 * @returns the connector, or `undefined` when its kind is not loaded yet or builds asynchronously.
 * @throws InvalidArgumentError when the config is malformed.
 */
export function connectorFromConfigSync(config: ConnectorConfig): Connector | undefined {
  const cls = registeredConnectorClass(config.kind) ?? (Object.hasOwn(builtins, config.kind) ? builtins[config.kind] : undefined);
  const made = cls?.fromConfig(config);
  if (made === undefined || !(made instanceof Promise)) return made;
  // This class builds asynchronously; the store is built by the next asynchronous use instead.
  made.then((c) => c.close()).catch(() => undefined);
  return undefined;
}

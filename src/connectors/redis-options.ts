/**
 * `RedisConnector` options: their checks, their defaults, and their round trip through a
 * connector config.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { describeInput } from '../core/connector-input.js';
import type { ConnectorConfig } from '../core/protocol.js';

/** Options of `new RedisConnector()`: a `url`, or a `host` and `port`. */
export interface RedisConnectorOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS); excludes `host`, `port` and `db`. */
  readonly url?: string | undefined;
  /** Server host. Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Server port. Default 6379. */
  readonly port?: number | undefined;
  /** Database number. Default 0. */
  readonly db?: number | undefined;
  /** Prefix of every Redis key and channel this connector uses. Default `proxymesh:`. */
  readonly prefix?: string | undefined;
  /**
   * Delete every key under `prefix` on `close()` (SCAN + UNLINK, never FLUSHDB). Default
   * `false`. Give each store its own prefix when you use it. Not part of `config()`, so
   * connectors rebuilt in other processes never delete anything.
   */
  readonly clear?: boolean | undefined;
  /** Largest payload accepted, in bytes. Default 512 MiB, Redis's `proto-max-bulk-len`. */
  readonly maxObjectBytes?: number | undefined;
}

/** Where the server is: a URL, or host, port and database. */
export type RedisServer = { readonly url: string } | { readonly host: string; readonly port: number; readonly db: number };

/** Checked options with their defaults filled in. */
export interface ResolvedRedisOptions {
  readonly server: RedisServer;
  readonly prefix: string;
  readonly clear: boolean;
  readonly maxObjectBytes: number;
}

const DEFAULT_MAX_OBJECT_BYTES = 512 * 1024 * 1024;

/**
 * Checks options and fills in defaults.
 * @throws InvalidArgumentError naming the malformed option.
 */
export function resolveRedisOptions(options: RedisConnectorOptions): ResolvedRedisOptions {
  const { url, host, port, db, prefix = 'proxymesh:', clear = false, maxObjectBytes = DEFAULT_MAX_OBJECT_BYTES } = options;
  const bad = (what: string): InvalidArgumentError => new InvalidArgumentError(`RedisConnector options are malformed: ${what}. Got ${describeInput(options)}.`);
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) throw bad('"url" must start with redis:// or rediss://');
  if (url !== undefined && (host !== undefined || port !== undefined || db !== undefined)) throw bad('give either "url" or "host"/"port"/"db", not both');
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw bad('"host" must be a non-empty string');
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw bad('"port" must be an integer from 1 to 65535');
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) throw bad('"db" must be a non-negative integer');
  if (typeof prefix !== 'string') throw bad('"prefix" must be a string');
  if (typeof clear !== 'boolean') throw bad('"clear" must be a boolean');
  if (!(Number.isInteger(maxObjectBytes) && maxObjectBytes > 0)) throw bad('"maxObjectBytes" must be a positive integer');
  const server: RedisServer = url !== undefined ? { url } : { host: host ?? '127.0.0.1', port: port ?? 6379, db: db ?? 0 };
  return { server, prefix, clear, maxObjectBytes };
}

/**
 * Reads options back from a connector config.
 * @throws InvalidArgumentError when a field has the wrong type.
 */
export function redisOptionsFromConfig(config: ConnectorConfig): RedisConnectorOptions {
  const malformed = (name: string, type: string): InvalidArgumentError =>
    new InvalidArgumentError(`A redis connector config needs "${name}" to be a ${type} when given: got ${describeInput(config)}.`);
  const { url, host, port, db, prefix, clear, maxObjectBytes } = config;
  if (url !== undefined && typeof url !== 'string') throw malformed('url', 'string');
  if (host !== undefined && typeof host !== 'string') throw malformed('host', 'string');
  if (prefix !== undefined && typeof prefix !== 'string') throw malformed('prefix', 'string');
  if (port !== undefined && typeof port !== 'number') throw malformed('port', 'number');
  if (db !== undefined && typeof db !== 'number') throw malformed('db', 'number');
  if (maxObjectBytes !== undefined && typeof maxObjectBytes !== 'number') throw malformed('maxObjectBytes', 'number');
  if (clear !== undefined && typeof clear !== 'boolean') throw malformed('clear', 'boolean');
  return { url, host, port, db, prefix, clear, maxObjectBytes };
}

/** The server, for messages: the URL without its credentials, or host:port/db. */
export function describeServer(server: RedisServer): string {
  return 'url' in server ? server.url.replace(/\/\/[^@/]*@/, '//') : `${server.host}:${server.port}/${server.db}`;
}

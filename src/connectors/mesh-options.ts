/**
 * The MeshConnector's options, and their JSON form: what `config()` writes and `fromConfig`
 * reads, checked field by field, with the token left out because it is a secret.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { TlsOptions } from '../mesh/security.js';
import type { ConnectorConfig, JsonValue } from '../core/protocol.js';

/** Options of `new MeshConnector()`. All are optional: no options is an embedded peer on loopback. */
export interface MeshConnectorOptions {
  /** Attached mode: the address of the running peer that will own what this connector puts. */
  readonly peer?: string | undefined;
  /** Embedded mode: where the embedded peer listens. Default `127.0.0.1:0` (a free port). */
  readonly listen?: string | undefined;
  /** Embedded mode: the address written into keys, "host" or "host:port" (see `PeerOptions`). */
  readonly advertise?: string | undefined;
  /**
   * Embedded mode: where the peer runs. `worker` (default) puts its gRPC server on a worker
   * thread, so it keeps serving other processes while this thread blocks on a proxy's first
   * synchronous use; `main` runs it on this thread (less memory, for processes that never block).
   */
  readonly thread?: 'worker' | 'main' | undefined;
  /** Size of the data pieces sent. Default 1 MiB, at most 4 MiB. */
  readonly chunkBytes?: number | undefined;
  /** Largest object accepted, in bytes. */
  readonly maxObjectBytes?: number | undefined;
  /** Deadline of calls that move no object, when a call gives none. Default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** Deadline of put/get/set transfers, when a call gives none. Default 10 min. */
  readonly transferTimeoutMs?: number | undefined;
  /** Embedded mode: most payload bytes the peer holds (RESOURCE_EXHAUSTED past it). */
  readonly maxBytes?: number | undefined;
  /** Embedded mode: most Await calls waiting on the peer at once. */
  readonly maxWaiters?: number | undefined;
  /**
   * The token sent to peers, and required by the embedded peer. Default: `PROXYMESH_TOKEN`.
   * A secret: it is left out of `config()`, so it never travels inside proxies; every process
   * of the mesh gets it from its own environment or options.
   */
  readonly token?: string | undefined;
  /** TLS as PEM file paths: the embedded peer serves with `cert`/`key`; clients trust `ca`. */
  readonly tls?: TlsOptions | undefined;
  /**
   * Same-host handoff: objects of more than one piece move between processes of this host as
   * files of a memory file system, written once and read once, instead of streaming over
   * loopback gRPC; other hosts still stream. The value is where the embedded peer keeps its
   * files; `false` turns the handoff off for this connector (both ways). Default `/dev/shm`,
   * where it exists.
   */
  readonly sharedMemory?: string | false | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_TRANSFER_TIMEOUT_MS = 600_000;

export function positive(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new InvalidArgumentError(`MeshConnector option ${name} must be a positive integer of at most ${max}, got ${value}.`);
  }
  return value;
}

/** TLS paths from a config: an object of optional strings. */
function tlsFromConfig(value: JsonValue | undefined): TlsOptions | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (): InvalidArgumentError => new InvalidArgumentError(`Mesh connector config option tls must be {cert?, key?, ca?} with file paths, got ${JSON.stringify(value)}.`);
  if (typeof value !== 'object' || Array.isArray(value)) throw bad();
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(value)) {
    if (!['cert', 'key', 'ca'].includes(name) || typeof path !== 'string') throw bad();
    out[name] = path;
  }
  return out;
}

/** `sharedMemory` from a config: a directory, or false. */
function sharedMemoryFromConfig(value: JsonValue | undefined): string | false | undefined {
  if (value === undefined || value === null || value === false || typeof value === 'string') return value ?? undefined;
  throw new InvalidArgumentError(`Mesh connector config option sharedMemory must be a directory or false, got ${JSON.stringify(value)}.`);
}

/**
 * The options a config describes.
 * @throws InvalidArgumentError when an option has the wrong type or is malformed.
 */
export function optionsFromConfig(config: ConnectorConfig): MeshConnectorOptions {
    const pick = (name: string, type: 'string' | 'number'): never | undefined => {
      const value: JsonValue | undefined = config[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== type) throw new InvalidArgumentError(`Mesh connector config option ${name} must be a ${type}, got ${JSON.stringify(value)}.`);
      return value as never;
    };
    return {
      peer: pick('peer', 'string'),
      listen: pick('listen', 'string'),
      advertise: pick('advertise', 'string'),
      thread: pick('thread', 'string'),
      chunkBytes: pick('chunkBytes', 'number'),
      maxObjectBytes: pick('maxObjectBytes', 'number'),
      timeoutMs: pick('timeoutMs', 'number'),
      transferTimeoutMs: pick('transferTimeoutMs', 'number'),
      maxBytes: pick('maxBytes', 'number'),
      maxWaiters: pick('maxWaiters', 'number'),
      tls: tlsFromConfig(config['tls']),
      sharedMemory: sharedMemoryFromConfig(config['sharedMemory']),
    };
}

/** The JSON form of the options, without the token: each process takes it from its own options or environment. */
export function optionsToConfig(kind: string, options: MeshConnectorOptions): ConnectorConfig {
    const config: Record<string, JsonValue> = { kind };
    for (const [name, value] of Object.entries(options)) {
      // The token is a secret: each process takes it from its own options or environment.
      if (value !== undefined && name !== 'token') config[name] = value as JsonValue;
    }
    return config as ConnectorConfig;
}

/**
 * A mesh object read from its file on this host, with no call to its owner
 * (mesh/wire/host-reads.ts), for `MeshConnector` and for a proxy revived in a fresh process,
 * whose first synchronous use is then served before any connector, gRPC client or bridge thread
 * exists: from the connector's options or config alone.
 * @module
 */
import type { ConnectorConfig, JsonValue, Payload } from '../core/protocol.js';
import { toMeshKey } from '../mesh/key.js';
import { findLocalPeer } from '../mesh/server/local-peers.js';
import { readHostObject, readHostObjectSync } from '../mesh/wire/host-reads.js';
import { DEFAULT_SHARED_BASE } from '../mesh/wire/shared-directory.js';
import { optionsFromConfig } from './mesh-options.js';

/** Where owners of this connector's keys keep their files (`sharedMemory`); `undefined`: turned off. */
export function hostBaseOf(sharedMemory: string | false | undefined): string | undefined {
  return sharedMemory === false ? undefined : (sharedMemory ?? DEFAULT_SHARED_BASE);
}

/**
 * The key as a host read takes it, unless its owner is a peer of this process (whose table is
 * read in memory instead) or it is no mesh key (the caller's own path reports that).
 */
function readableKey(key: JsonValue): { incarnation: string; id: string } | undefined {
  try {
    const k = toMeshKey(key);
    return findLocalPeer(k.incarnation) === undefined ? k : undefined;
  } catch {
    return undefined;
  }
}

/** The object from its file on this host, blocking the thread; `undefined`: ask its owner. */
export function readOnHostSync(base: string | undefined, key: JsonValue): Payload | undefined {
  const k = base === undefined ? undefined : readableKey(key);
  return k === undefined ? undefined : readHostObjectSync(base as string, k);
}

/** `readOnHostSync` without blocking the thread. */
export async function readOnHost(base: string | undefined, key: JsonValue): Promise<Payload | undefined> {
  const k = base === undefined ? undefined : readableKey(key);
  return k === undefined ? undefined : readHostObject(base as string, k);
}

/**
 * A mesh key's object from its file on this host, from the config of the connector that holds
 * it; `undefined` for any other kind of connector, or when it cannot be read here.
 */
export function readOnHostFromConfig(config: ConnectorConfig, key: JsonValue): Payload | undefined {
  if (config.kind !== 'mesh') return undefined;
  let base: string | undefined;
  try {
    base = hostBaseOf(optionsFromConfig(config).sharedMemory);
  } catch {
    return undefined;
  }
  return readOnHostSync(base, key);
}

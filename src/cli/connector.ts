/**
 * The connector each command uses, opened for the command and closed after it, whatever
 * happens, so no channel keeps the process alive once the command is done.
 * @module
 */
import { MeshConnector, type TlsOptions } from '../index.js';

/** How this run authenticates and encrypts: from the global --token and --tls-* options. */
export interface Security {
  readonly token?: string | undefined;
  readonly tls?: TlsOptions | undefined;
}

let security: Security = {};

/** Records the run's security options (the program's preAction hook calls it). */
export function setSecurity(options: Security): void {
  security = options;
}

/** The run's security options, for the peer daemon. */
export function getSecurity(): Security {
  return security;
}

/**
 * Runs `work` with a connector. With `peer` (put, future) the connector is attached to that
 * peer, which will own what it creates; without it (get, set, await, …) it only talks to the
 * owners named by keys and never starts a peer of its own.
 */
export async function withConnector<T>(peer: string | undefined, work: (mesh: MeshConnector) => Promise<T>): Promise<T> {
  const mesh = new MeshConnector(peer === undefined ? { ...security } : { ...security, peer });
  try {
    return await work(mesh);
  } finally {
    await mesh.close();
  }
}

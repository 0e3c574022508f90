/**
 * The connector each command uses, opened for the command and closed after it, whatever
 * happens, so no channel keeps the process alive once the command is done.
 * @module
 */
import { MeshConnector } from '../index.js';

/**
 * Runs `work` with a connector. With `peer` (put, future) the connector is attached to that
 * peer, which will own what it creates; without it (get, set, await, …) it only talks to the
 * owners named by keys and never starts a peer of its own.
 */
export async function withConnector<T>(peer: string | undefined, work: (mesh: MeshConnector) => Promise<T>): Promise<T> {
  const mesh = new MeshConnector(peer === undefined ? {} : { peer });
  try {
    return await work(mesh);
  } finally {
    await mesh.close();
  }
}

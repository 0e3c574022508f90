/** Reads a peer's counters over gRPC, as an operator would. */
import { ClientPool } from '../../src/mesh/client/client-pool.js';

const pool = new ClientPool({ timeoutMs: 5_000, transferTimeoutMs: 60_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 30 });

/** The peer's counters as plain numbers. */
export async function peerStats(address: string): Promise<{ objects: number; bytes: number; pendingKeys: number; waiters: number; incarnation: string }> {
  const s = await pool.client(address).stats();
  return { objects: Number(s.objects), bytes: Number(s.bytes), pendingKeys: Number(s.pendingKeys), waiters: Number(s.waiters), incarnation: s.incarnation };
}

/**
 * A proxymesh peer in its own process (`Peer.start()` on this thread), the server side of every
 * proxymesh scenario. Commands: `stats` (what it holds, waiters included) and `memory` (after
 * a full GC, measured here, inside the peer process). `--chunk=<bytes>` sets another piece size
 * (lib/flags.ts).
 * Ready info: `{address}`.
 * @module
 */
import { Peer } from '../../../src/index.js';
import { serve } from '../lib/serve.js';
import { memoryNow } from '../lib/memory.js';
import { chunkFlag } from '../lib/flags.js';

let peer: Peer | undefined;

await serve(
  {
    stats: async () => peer?.stats(),
    memory: async () => memoryNow(),
  },
  async () => {
    peer = await Peer.start({ chunkBytes: chunkFlag() });
    return { address: peer.address };
  },
);

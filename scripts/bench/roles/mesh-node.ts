/**
 * One peer process of the all-to-all mesh: an embedded `MeshConnector` (its peer on a worker
 * thread, the default) that puts one object and then, each round, gets every other node's
 * object at once. Bounded in rounds and in time. A failed get is counted (with its message) and
 * the run goes on.
 * @module
 */
import { MeshConnector, type MeshKey } from '../../../src/index.js';
import { num, serve } from '../lib/serve.js';
import { sourceBytes } from '../lib/source.js';
import { nowUs, quantile } from '../lib/stats.js';

const mesh = new MeshConnector();
let own: MeshKey | undefined;

await serve({
  put: async (args) => {
    own = await mesh.put({ codec: 'bytes', data: sourceBytes(num(args, 'size')) });
    return own;
  },
  run: async (args) => {
    const others = (args.keys as MeshKey[]).filter((k) => k.incarnation !== own?.incarnation);
    const rounds = num(args, 'rounds');
    const deadline = nowUs() + num(args, 'maxMs') * 1000;
    const latencies: number[] = [];
    const failures: string[] = [];
    let bytes = 0;
    const startUs = nowUs();
    for (let r = 0; r < rounds && nowUs() < deadline; r++) {
      await Promise.all(
        others.map(async (key) => {
          const t = nowUs();
          try {
            bytes += (await mesh.get(key))?.data.byteLength ?? 0;
            latencies.push(nowUs() - t);
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
        }),
      );
    }
    return { bytes, startUs, endUs: nowUs(), gets: latencies.length, p50Us: quantile(latencies, 0.5), failed: failures.length, firstFailure: failures[0] ?? null };
  },
  close: async () => mesh.close(),
});

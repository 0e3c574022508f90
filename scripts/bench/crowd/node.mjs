// One process of the crowded-host exchange, in plain JavaScript so it runs under plain `node`
// with Node's default flags, as a user's process would: `new MeshConnector()` (its peer on a
// worker thread), one put, a future, then gets of every other process's object at once while it
// sets one future and awaits another. Every wait has a deadline; a failure is counted with its
// message and the exchange goes on. The package comes from CROWD_LIBRARY (the tests point it at
// the sources, run under tsx), else from its name (dist/), as users import it.
import { serve } from '../workflow/procs/serve.mjs';

const { MeshConnector } = await import(process.env.CROWD_LIBRARY ?? 'proxymesh');

/** The object of process `index`: `size` bytes that differ per process and per position. */
function objectOf(index, size) {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) bytes[i] = (index * 131 + i * 7 + (i >> 8)) & 0xff;
  return bytes;
}

/** The value the setter of future `owner` puts in it. */
const futureValueOf = (owner) => Buffer.from(`future of process ${owner}`);

let mesh;
const failures = [];
/** What the exchange has done so far, for an orchestrator whose wait ran out. */
const progress = { gets: 0, awaited: 0, wrong: 0, pending: 0 };
/** Failures by kind: the error's name and the words of its message that name no key or peer. */
const kinds = {};
const note = (what, error) => {
  failures.push(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  const kind = error instanceof Error ? `${error.name}: ${error.message.replace(/[^ ]*:[0-9]+[^ ]*/g, '…').slice(0, 160)}` : 'not an Error';
  kinds[kind] = (kinds[kind] ?? 0) + 1;
};

await serve({
  /** Puts this process's object and makes its future; returns both keys and the future's capability. */
  put: async ({ index, size }) => {
    mesh = new MeshConnector();
    const key = await mesh.put({ codec: 'bytes', data: objectOf(index, size) });
    const future = await mesh.newKey();
    return { key, future, capability: mesh.capabilityFor(future) };
  },
  /**
   * Gets every other object at once, sets the future `set` (owned by process `setOwner`) and
   * awaits the future `await` (owned by `awaitOwner`); each call has `deadlineMs`.
   */
  exchange: async ({ index, size, objects, set, awaitFuture, deadlineMs }) => {
    const t0 = performance.now();
    const same = (got, expected) => got !== undefined && Buffer.compare(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength), expected) === 0;
    const getAll = objects.map(async ({ owner, key }) => {
      if (owner === index) return;
      progress.pending += 1;
      try {
        const got = await mesh.get(key, { timeoutMs: deadlineMs });
        progress.gets += 1;
        if (!same(got, objectOf(owner, size))) progress.wrong += 1;
      } catch (error) {
        note(`get of process ${owner}'s object`, error);
      } finally {
        progress.pending -= 1;
      }
    });
    const setOne = mesh.set(set.future, { codec: 'bytes', data: futureValueOf(set.owner) }, { capability: set.capability, timeoutMs: deadlineMs }).catch((error) => note(`set of process ${set.owner}'s future`, error));
    const awaitOne = mesh.awaitKey(awaitFuture.future, { timeoutMs: deadlineMs }).then(
      (got) => {
        progress.awaited += 1;
        if (!same(got, futureValueOf(awaitFuture.owner))) progress.wrong += 1;
      },
      (error) => note(`await of process ${awaitFuture.owner}'s future`, error),
    );
    await Promise.all([...getAll, setOne, awaitOne]);
    const memory = process.memoryUsage();
    return { ...progress, failed: failures.length, failures: failures.slice(0, 3), kinds, ms: performance.now() - t0, rss: memory.rss, heapUsed: memory.heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 };
  },
  progress: async () => ({ ...progress, failed: failures.length, failures: failures.slice(0, 3), kinds, rss: process.memoryUsage().rss }),
  close: async () => mesh?.close(),
});

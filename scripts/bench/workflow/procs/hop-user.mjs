// A user process of the future-hop rows: it imports the package by its name and plays the owner
// (makes a future), the producer (sets one, or makes its own and sets it) or the consumer (its
// first synchronous use of a revived proxy blocks). Plain node, Node's default flags.
import { MeshConnector, Store, reviver } from 'proxymesh';
import { checkValue, serve, valueOf, wallMs } from './serve.mjs';

let store;
const own = () => (store ??= new Store('hop', new MeshConnector()));

await serve({
  /** A future owned by this process's embedded peer, as the JSON text a producer and a consumer get. */
  future: async () => {
    const f = await own().future();
    return { future: JSON.stringify(f), proxy: JSON.stringify(f.proxy()) };
  },
  /** Revives the proxy and uses it at once: blocks until the value is set; the reply says when it came. */
  consume: async ({ proxy, size, fill }) => {
    const value = JSON.parse(proxy, reviver);
    const b = performance.now();
    checkValue(value, size, fill);
    return { gotAt: wallMs(), blockedMs: performance.now() - b };
  },
  /** Sets a revived future (the value is made first, untimed, as a task's output is). */
  set: async ({ future, size, fill }) => {
    const f = JSON.parse(future, reviver);
    const value = valueOf(size, fill);
    const setStartAt = wallMs();
    const t = performance.now();
    await f.setResult(value);
    return { setStartAt, setMs: performance.now() - t };
  },
});

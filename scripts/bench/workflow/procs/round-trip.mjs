// The small future round trip's two user processes (package imported by its name, default
// flags). A owns both futures of every round (`store.future()`); per round, after a pause, A sets
// k1; B, awaiting k1, sets k2; A, awaiting k2, has it. The futures are made before timing.
import { MeshConnector, Store, reviver } from 'proxymesh';
import { serve, sleep } from './serve.mjs';

const WAIT_MS = 10_000;
let store;
let rounds = [];
const value = Buffer.alloc(100, 1);

await serve({
  /** A: `count` rounds of futures; returns them as JSON text for B. */
  make: async ({ count }) => {
    // argv[2]: MeshConnector options as JSON, for a labelled extra row (the headline: none).
    store ??= new Store('round-trip', new MeshConnector(JSON.parse(process.argv[2] ?? '{}')));
    rounds = await Promise.all(Array.from({ length: count }, async () => ({ k1: await store.future(), k2: await store.future() })));
    return JSON.stringify(rounds);
  },
  /** B: answers every round in the background (await k1, set k2); returns at once. */
  answer: async ({ rounds: text }) => {
    const mine = JSON.parse(text, reviver);
    void (async () => {
      for (const { k1, k2 } of mine) {
        await k1.result({ timeoutMs: WAIT_MS });
        await k2.setResult(value);
      }
    })().catch((e) => {
      process.stderr.write(`round-trip B failed: ${e?.stack ?? e}\n`);
      process.exit(1);
    });
    return null;
  },
  /** A: rounds [from, from+count): pause, set k1, await k2; the round trip of each, in ms. */
  run: async ({ from, count, pauseMs }) => {
    const out = [];
    for (const { k1, k2 } of rounds.slice(from, from + count)) {
      await sleep(pauseMs);
      const t = performance.now();
      await k1.setResult(value);
      await k2.result({ timeoutMs: WAIT_MS });
      out.push(performance.now() - t);
    }
    return out;
  },
});

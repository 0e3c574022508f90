// The child side of a workflow-group process, in plain JavaScript so it runs under plain `node`
// with Node's default flags, as a user's process would (lib/serve.ts is the TypeScript twin the
// tuned groups use). Says "ready" with what `setup` returned, then answers each command; exits
// when the orchestrator goes away, so no process outlives a run.

/** Serves `handlers` over the IPC channel after `setup` resolves. */
export async function serve(handlers, setup = async () => null) {
  if (!process.send) throw new Error('A workflow process must be started by scripts/bench/main.ts (it needs an IPC channel).');
  process.on('disconnect', () => process.exit(0));
  // `collect` is asked of every bench process between large transfers; users' processes force no GC.
  const all = { collect: async () => null, ...handlers };
  process.on('message', (message) => {
    const handler = all[message.op];
    const run = handler ? Promise.resolve().then(() => handler(message.args)) : Promise.reject(new Error(`unknown op ${message.op}`));
    run.then(
      (value) => process.send({ kind: 'reply', id: message.id, ok: true, value: value ?? null }),
      (error) => process.send({ kind: 'reply', id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.send({ kind: 'ready', info: (await setup()) ?? null });
}

/** Wall-clock milliseconds comparable across processes: performance.timeOrigin + now. */
export const wallMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `size` bytes filled with one byte value, the check a consumer makes. */
export const valueOf = (size, fill) => Buffer.alloc(size, fill & 0xff);

/** Throws unless `value` is `size` bytes of `fill` (first, middle and last byte checked). */
export function checkValue(value, size, fill) {
  const f = fill & 0xff;
  if (value.length !== size) throw new Error(`expected ${size} bytes, got ${value.length}`);
  for (const at of [0, size >> 1, size - 1]) if (value[at] !== f) throw new Error(`byte ${at} is ${value[at]}, expected ${f}`);
}

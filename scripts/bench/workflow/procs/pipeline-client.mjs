// The client of the pipelining experiment: it owns the futures (`store.future()` on its own
// connector), forks N warm task workers (task-worker.mjs, which inherit this process's Node
// flags: none by default), and submits the chain's tasks as JSON text, as a workflow engine
// would. argv: connector kind, N, redis port, peer daemon address (mesh-daemon only).
import { fork } from 'node:child_process';
import { FileConnector, MeshConnector, RedisConnector, Store } from 'proxymesh';
import { serve, wallMs } from './serve.mjs';

const [kind, nText, redisPort, daemon] = process.argv.slice(2);
const N = Number(nText);
const WORKER_READY_MS = 60_000;

function makeConnector() {
  switch (kind) {
    case 'mesh': // the README's default: embedded peer on its worker thread
    case 'mesh-stgc': // the same, with --single-threaded-gc on every process (given by the orchestrator)
      return new MeshConnector();
    case 'mesh-main':
      return new MeshConnector({ thread: 'main' });
    case 'mesh-daemon':
      return new MeshConnector({ peer: daemon });
    case 'file': // tmpfs, as the comparison
      return new FileConnector({ directory: `/dev/shm/proxymesh-bench-pipe-${process.pid}`, clear: true });
    case 'redis':
      return new RedisConnector({ port: Number(redisPort), prefix: `proxymesh-bench-pipe-${process.pid}:`, clear: true });
    default:
      throw new Error(`pipeline-client: unknown connector kind ${kind}`);
  }
}

const store = new Store(`pipeline-${kind}`, makeConnector());
const workers = [];
let nextId = 1;
const pending = new Map();

function startWorker() {
  const w = fork(new URL('./task-worker.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  w.on('message', (m) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.marks);
    else p.reject(new Error(`task worker: ${m.error}`));
  });
  w.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`a task worker exited (${code})`));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a task worker was not ready within 60 s')), WORKER_READY_MS);
    w.once('message', () => {
      clearTimeout(timer);
      resolve(w);
    });
  });
}

/** Sends task i to worker i; resolves with the worker's marks once its setResult returned. */
function submit(i, args, task) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    workers[i].send({ id, i, ...args, task });
  });
}

function bounded(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** One round: N futures, N tasks chained through them; the makespan ends when this process has the last result. */
async function round({ mode, T, F, size, timeoutMs }) {
  const futures = await Promise.all(Array.from({ length: N }, () => store.future()));
  const tasks = futures.map((output, i) => JSON.stringify({ input: i > 0 ? futures[i - 1].proxy() : undefined, output }));
  const args = { mode, T, F, size };
  const startAt = wallMs();
  const t0 = performance.now();
  const work = (async () => {
    let marks;
    if (mode === 'pipelined') {
      // Everything submitted at once; the chain runs through the futures.
      const all = Promise.all(tasks.map((task, i) => submit(i, args, task)));
      all.catch(() => {}); // a failure surfaces through the result below or the await after it
      const last = await futures[N - 1].result();
      if (last.length !== size) throw new Error(`the last result has ${last.length} bytes`);
      const makespanMs = performance.now() - t0;
      marks = await all;
      return { makespanMs, marks };
    }
    // Sequential: task i is submitted once task i-1 has finished.
    marks = [];
    for (let i = 0; i < N; i++) marks.push(await submit(i, args, tasks[i]));
    const last = await futures[N - 1].result();
    if (last.length !== size) throw new Error(`the last result has ${last.length} bytes`);
    return { makespanMs: performance.now() - t0, marks };
  })();
  const { makespanMs, marks } = await bounded(work, timeoutMs, `a ${mode} round`);
  // Untimed: the owner lets the round's objects go, so rounds do not pile up memory.
  await Promise.all(futures.map((f) => store.evict(f.key)));
  return { makespanMs, startAt, marks };
}

await serve({ round }, async () => {
  workers.push(...(await Promise.all(Array.from({ length: N }, startWorker))));
  return { pid: process.pid };
});
process.on('exit', () => {
  for (const w of workers) w.kill('SIGKILL');
});
process.on('SIGTERM', () => {
  void store.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});

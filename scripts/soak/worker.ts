/**
 * One process of the soak mesh: a `MeshConnector` with an embedded peer, run by `main.ts` over
 * an IPC channel. It owns the keys it puts and the futures it creates, and it serves the orders
 * other processes send it through the coordinator:
 *
 * - data flows: put a value, read it back from its own peer, check it exists, hand the key to
 *   another process that reads it over gRPC, checks every byte and evicts it;
 * - futures: register a deferred key, have waiters in several processes await it, keep them
 *   pending until enough others are waiting (so thousands wait at once), then have a random
 *   process set the value (or, for a few, evict the key first), check what every waiter
 *   received and evict the key.
 *
 * Every loop is bounded by the run's duration and by a count; the drain is bounded in time.
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MeshConnector } from '../../src/connectors/mesh.js';
import type { MeshKey } from '../../src/mesh/key.js';
import { Prng } from '../lib/prng.js';
import type { Counters, FromWorker, Order, Sample, SoakConfig, ToWorker, WorkerResult } from './protocol.js';
import { mismatch, valueBytes, valueSize, type ValueSpec } from './values.js';

/** Most waiters on one future. */
const MAX_FANOUT = 16;
/** Futures whose waits are being issued, at most, per process. */
const MAX_ISSUING = 16;
/** Futures released (set or evicted) but not finished, at most, per process. */
const MAX_RELEASING = 64;
const SAMPLE_MS = 500;
const EXAMPLES = 10;

function post(message: FromWorker): void {
  process.send?.(message);
}

if (!process.send) {
  process.stderr.write('scripts/soak/worker.ts is started by scripts/soak/main.ts.\n');
  process.exit(2);
}
// Without the coordinator nothing would ever stop this process.
process.on('disconnect', () => process.exit(1));

const connector = new MeshConnector({ timeoutMs: 60_000, transferTimeoutMs: 120_000 });
const address = await connector.ownerAddress();

const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
/** `awaitKey` calls pending in this process. */
let pendingWaits = 0;

/** Memory and counters now; `collect` runs a full garbage collection first (main.ts starts workers with --expose-gc). */
async function sample(collect = false): Promise<Sample> {
  if (collect) (globalThis as { gc?: () => void }).gc?.();
  const stats = await connector.stats();
  const memory = process.memoryUsage();
  const loopDelayMaxMs = loopDelay.max / 1e6;
  loopDelay.reset();
  return { rss: memory.rss, heapUsed: memory.heapUsed, loopDelayMaxMs, objects: stats.objects, pendingKeys: stats.pendingKeys, waiters: stats.waiters, pendingWaits };
}

/** Lets loops wait for "something changed" instead of polling. */
class Signal {
  #resolve: () => void = () => undefined;
  #promise = this.#fresh();

  #fresh(): Promise<void> {
    return new Promise((resolve) => (this.#resolve = resolve));
  }

  wait(): Promise<void> {
    return this.#promise;
  }

  notify(): void {
    this.#resolve();
    this.#promise = this.#fresh();
  }
}

/** A deferred key this process owns, from creation to eviction. */
interface FutureState {
  readonly id: string;
  readonly key: MeshKey;
  readonly capability: string;
  readonly value: ValueSpec;
  /** Waits issued on it, over all processes. */
  readonly waiters: number;
  /** Processes that wait on it. */
  readonly targets: number;
  awaiting: number;
  woken: number;
  values: number;
  notFound: number;
  cancelled: number;
  failed: number;
  set: 'pending' | 'ok' | 'failed';
  evicted: boolean;
  done: boolean;
}

/** The state of a run, once `start` arrived. */
class Run {
  readonly ops: Counters = {};
  readonly errors: Counters = {};
  readonly errorExamples: string[] = [];
  readonly mismatchExamples: string[] = [];
  mismatches = 0;
  verifiedBytes = 0;
  draining = false;

  readonly #rng: Prng;
  readonly #signal = new Signal();
  readonly #acks = new Map<number, (ok: boolean) => void>();
  readonly #futures = new Map<string, FutureState>();
  readonly #held: FutureState[] = [];
  readonly #deadline: number;
  readonly #waitersHere: number;
  #heldWaiters = 0;
  #issuing = 0;
  #releasing = 0;
  #token = 0;
  #seq = 0;
  #loops: Promise<void>[] = [];

  constructor(
    readonly index: number,
    readonly peers: readonly string[],
    readonly config: SoakConfig,
  ) {
    this.#rng = new Prng(config.seed ^ Math.imul(index + 1, 0x9e3779b1));
    this.#deadline = Date.now() + config.durationMs;
    this.#waitersHere = Math.ceil(config.waiters / config.processes);
  }

  start(): void {
    this.#loops = [...Array.from({ length: this.config.dataFlows }, () => this.#dataFlow()), this.#futureCreator()];
  }

  #count(kind: string, n = 1): void {
    this.ops[kind] = (this.ops[kind] ?? 0) + n;
  }

  #unexpected(what: string, error: unknown): void {
    const name = error instanceof Error ? error.name : typeof error;
    this.errors[name] = (this.errors[name] ?? 0) + 1;
    if (this.errorExamples.length < EXAMPLES) this.errorExamples.push(`${what}: ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }

  #mismatch(why: string): void {
    this.mismatches += 1;
    if (this.mismatchExamples.length < EXAMPLES) this.mismatchExamples.push(why);
  }

  #check(spec: ValueSpec, data: Uint8Array | undefined): void {
    const why = mismatch(spec, data);
    if (why === undefined) this.verifiedBytes += spec.size;
    else this.#mismatch(why);
  }

  #other(): number {
    const n = this.peers.length;
    return n === 1 ? this.index : (this.index + this.#rng.int(1, n - 1)) % n;
  }

  #send(to: number, order: Order): void {
    if (to === this.index) queueMicrotask(() => this.handle(this.index, order));
    else post({ type: 'send', to, order });
  }

  #active(): boolean {
    return !this.draining && Date.now() < this.#deadline;
  }

  // --- data flows: put, read back here, read and evict elsewhere --------------------------------

  async #dataFlow(): Promise<void> {
    for (let n = 0; n < this.config.maxOpsPerFlow && this.#active(); n++) {
      const spec = { id: `d${this.index}.${this.#seq++}`, size: valueSize(this.#rng, this.config.maxValueBytes) };
      let key: MeshKey;
      try {
        key = await connector.put({ codec: 'bytes', data: valueBytes(spec) });
        this.#count('put');
      } catch (error) {
        this.#unexpected('put', error);
        continue;
      }
      try {
        this.#check(spec, (await connector.get(key))?.data);
        this.#count('get (own peer)');
        if (!(await connector.exists(key))) this.#mismatch(`${spec.id}: exists() is false right after put`);
        this.#count('exists');
        if (this.peers.length === 1 || this.#rng.chance(0.2)) {
          await connector.evict(key);
          this.#count('evict');
          continue;
        }
        const ok = await this.#readElsewhere(this.#other(), key, spec);
        if (!ok) {
          await connector.evict(key);
          this.#count('evict');
          continue;
        }
        if (await connector.exists(key)) this.#mismatch(`${spec.id}: still exists after its reader evicted it`);
        this.#count('exists');
      } catch (error) {
        this.#unexpected('data flow', error);
        await connector.evict(key).catch((e: unknown) => this.#unexpected('evict after an error', e));
      }
    }
  }

  #readElsewhere(reader: number, key: MeshKey, value: ValueSpec): Promise<boolean> {
    const token = ++this.#token;
    return new Promise((resolve) => {
      this.#acks.set(token, resolve);
      this.#send(reader, { kind: 'read', token, key, value });
    });
  }

  async #onRead(from: number, order: Extract<Order, { kind: 'read' }>): Promise<void> {
    let ok = false;
    try {
      this.#check(order.value, (await connector.get(order.key))?.data);
      this.#count('get (remote)');
      await connector.evict(order.key);
      this.#count('evict');
      ok = true;
    } catch (error) {
      this.#unexpected('read', error);
    }
    this.#send(from, { kind: 'ack', token: order.token, ok });
  }

  // --- futures: many waiters, a remote set, every waiter checked ------------------------------

  async #futureCreator(): Promise<void> {
    for (let n = 0; n < this.config.maxOpsPerFlow && this.#active(); n++) {
      while (this.#active() && (this.#issuing >= MAX_ISSUING || this.#releasing >= MAX_RELEASING)) await this.#signal.wait();
      if (!this.#active()) break;
      await this.#createFuture();
    }
  }

  async #createFuture(): Promise<void> {
    let key: MeshKey;
    try {
      key = await connector.newKey();
      this.#count('newKey');
    } catch (error) {
      this.#unexpected('newKey', error);
      return;
    }
    const perProcess = new Map<number, number>();
    const waiters = this.#rng.int(1, MAX_FANOUT);
    for (let i = 0; i < waiters; i++) {
      const p = this.#rng.int(0, this.peers.length - 1);
      perProcess.set(p, (perProcess.get(p) ?? 0) + 1);
    }
    const cancelIn = this.#rng.chance(0.05) ? [...perProcess.keys()][0] : undefined;
    const state: FutureState = {
      id: `f${this.index}.${this.#seq++}`,
      key,
      capability: connector.capabilityFor(key) ?? '',
      value: { id: `v${this.index}.${this.#seq++}`, size: valueSize(this.#rng, this.config.maxValueBytes) },
      waiters,
      targets: perProcess.size,
      awaiting: 0,
      woken: 0,
      values: 0,
      notFound: 0,
      cancelled: 0,
      failed: 0,
      set: 'pending',
      evicted: false,
      done: false,
    };
    this.#futures.set(state.id, state);
    this.#issuing += 1;
    for (const [p, count] of perProcess) {
      this.#send(p, { kind: 'await', future: state.id, key, count, cancel: p === cancelIn ? 1 : 0, value: state.value });
    }
  }

  /** Every process has issued its waits: hold the future until enough others wait. */
  #onAwaiting(order: Extract<Order, { kind: 'awaiting' }>): void {
    const state = this.#futures.get(order.future);
    if (!state) return;
    state.awaiting += 1;
    if (state.awaiting < state.targets) return;
    this.#issuing -= 1;
    this.#held.push(state);
    this.#heldWaiters += state.waiters;
    this.#releaseExcess();
    this.#signal.notify();
  }

  /** Releases the oldest futures while more waiters are held than this process's share (all of them when draining). */
  #releaseExcess(): void {
    while (this.#held.length > 0 && (this.draining || this.#heldWaiters > this.#waitersHere)) {
      const state = this.#held.shift();
      if (!state) break;
      this.#heldWaiters -= state.waiters;
      this.#releasing += 1;
      if (this.#rng.chance(0.03)) {
        // Evicted before anyone sets it: every waiter must end with NOT_FOUND.
        void this.#evictFuture(state, 'evict (before set)');
      } else {
        this.#send(this.#rng.int(0, this.peers.length - 1), { kind: 'set', future: state.id, key: state.key, capability: state.capability, value: state.value });
      }
    }
  }

  async #evictFuture(state: FutureState, kind: string): Promise<void> {
    try {
      await connector.evict(state.key);
      this.#count(kind);
      state.evicted = true;
    } catch (error) {
      this.#unexpected(kind, error);
    }
    this.#maybeFinish(state);
  }

  async #onSet(from: number, order: Extract<Order, { kind: 'set' }>): Promise<void> {
    let ok = false;
    try {
      await connector.set(order.key, { codec: 'bytes', data: valueBytes(order.value) }, { capability: order.capability });
      this.#count('set');
      ok = true;
    } catch (error) {
      this.#unexpected('set', error);
    }
    this.#send(from, { kind: 'setDone', future: order.future, ok });
  }

  #onSetDone(order: Extract<Order, { kind: 'setDone' }>): void {
    const state = this.#futures.get(order.future);
    if (!state) return;
    state.set = order.ok ? 'ok' : 'failed';
    // A failed set would leave its waiters waiting: evict the key so they end.
    if (order.ok) this.#maybeFinish(state);
    else void this.#evictFuture(state, 'evict (after a failed set)');
  }

  async #onAwait(from: number, order: Extract<Order, { kind: 'await' }>): Promise<void> {
    const bound = this.config.durationMs + this.config.drainMs;
    const controllers = Array.from({ length: order.count }, () => new AbortController());
    pendingWaits += order.count;
    const outcomes = controllers.map((controller) =>
      connector.awaitKey(order.key, { signal: controller.signal, timeoutMs: bound }).finally(() => (pendingWaits -= 1)).then(
        (payload) => {
          this.#check(order.value, payload.data);
          return 'values' as const;
        },
        (error: unknown) => {
          if (controller.signal.aborted) return 'cancelled' as const;
          if (error instanceof Error && error.name === 'KeyNotFoundError') return 'notFound' as const;
          this.#unexpected('await', error);
          return 'failed' as const;
        },
      ),
    );
    this.#send(from, { kind: 'awaiting', future: order.future });
    for (const controller of controllers.slice(0, order.cancel)) controller.abort(new Error('cancelled by the soak run'));
    const tally = { values: 0, notFound: 0, cancelled: 0, failed: 0 };
    for (const outcome of await Promise.all(outcomes)) tally[outcome] += 1;
    this.#count('await (woken with the value)', tally.values);
    this.#count('await (cancelled)', tally.cancelled);
    this.#count('await (key evicted before set)', tally.notFound);
    this.#send(from, { kind: 'woken', future: order.future, ...tally });
  }

  #onWoken(order: Extract<Order, { kind: 'woken' }>): void {
    const state = this.#futures.get(order.future);
    if (!state) return;
    state.woken += 1;
    state.values += order.values;
    state.notFound += order.notFound;
    state.cancelled += order.cancelled;
    state.failed += order.failed;
    this.#maybeFinish(state);
  }

  /** Once every waiter ended and the key was set (or evicted): check the waiters' outcomes, evict, forget. */
  #maybeFinish(state: FutureState): void {
    if (state.done || state.woken < state.targets || !(state.evicted || state.set === 'ok')) return;
    state.done = true;
    const ended = state.values + state.notFound + state.cancelled + state.failed;
    if (ended !== state.waiters) this.#mismatch(`future ${state.id}: ${ended} of ${state.waiters} waits ended`);
    if (state.set === 'ok' && state.notFound > 0) this.#mismatch(`future ${state.id}: ${state.notFound} waiters got NOT_FOUND although the key was set`);
    if (state.evicted && state.set === 'pending' && state.values > 0) this.#mismatch(`future ${state.id}: ${state.values} waiters got a value for a key evicted before set`);
    const finish = async (): Promise<void> => {
      if (!state.evicted) {
        try {
          await connector.evict(state.key);
          this.#count('evict');
        } catch (error) {
          this.#unexpected('evict', error);
        }
      }
      this.#futures.delete(state.id);
      this.#releasing -= 1;
      this.#signal.notify();
    };
    void finish();
  }

  // --- orders and the end of the run ----------------------------------------------------------

  handle(from: number, order: Order): void {
    switch (order.kind) {
      case 'read':
        return void this.#onRead(from, order);
      case 'ack':
        this.#acks.get(order.token)?.(order.ok);
        this.#acks.delete(order.token);
        return;
      case 'await':
        return void this.#onAwait(from, order);
      case 'awaiting':
        return this.#onAwaiting(order);
      case 'woken':
        return this.#onWoken(order);
      case 'set':
        return void this.#onSet(from, order);
      case 'setDone':
        return this.#onSetDone(order);
    }
  }

  /** Stops new work, releases every held future and waits (bounded) until everything this process started has ended. */
  async drain(): Promise<WorkerResult> {
    this.draining = true;
    this.#releaseExcess();
    this.#signal.notify();
    const until = Date.now() + this.config.drainMs;
    const timeLeft = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())).unref());
    await Promise.race([Promise.all(this.#loops), timeLeft()]);
    while (this.#futures.size > 0 && Date.now() < until) {
      this.#releaseExcess();
      await Promise.race([this.#signal.wait(), timeLeft()]);
    }
    return {
      ops: this.ops,
      errors: this.errors,
      errorExamples: this.errorExamples,
      mismatches: this.mismatches,
      mismatchExamples: this.mismatchExamples,
      verifiedBytes: this.verifiedBytes,
      unfinished: this.#futures.size + this.#acks.size,
    };
  }
}

let run: Run | undefined;
const sampler = setInterval(() => {
  void sample().then(
    (s) => post({ type: 'sample', sample: s }),
    () => undefined,
  );
}, SAMPLE_MS);
sampler.unref();

process.on('message', (raw) => {
  const message = raw as ToWorker;
  switch (message.type) {
    case 'start':
      run = new Run(message.index, message.peers, message.config);
      run.start();
      return;
    case 'order':
      run?.handle(message.from, message.order);
      return;
    case 'drain':
      void run?.drain().then(async (result) => post({ type: 'drained', result, sample: await sample(true) }));
      return;
    case 'exit':
      clearInterval(sampler);
      void connector.close().finally(() => process.exit(0));
      return;
  }
});

post({ type: 'ready', address, pid: process.pid, sample: await sample(true) });

/**
 * The orchestrator side of a bench process: `startRole` forks `roles/<name>.ts` under tsx with
 * an IPC channel, waits for its "ready", and `call` sends it one command. Every wait is bounded.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Reply } from './ipc-types.js';
import { nodeFlags } from './flags.js';

const READY_MS = 60_000;
const CALL_MS = 300_000;

/** A running role process. */
export class RoleProcess {
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly info: unknown,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.on('message', (m: Reply) => {
      if (m.kind !== 'reply') return;
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(`${name}: ${m.error}`));
    });
    void this.exited.then((code) => {
      for (const p of this.#pending.values()) p.reject(new Error(`${name} exited (${code}) with a command pending`));
      this.#pending.clear();
    });
  }

  /** Sends one command; resolves with the child's value. */
  call<T>(op: string, args: Record<string, unknown> = {}, timeoutMs = CALL_MS): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}: ${op} took over ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, op, args });
    });
  }

  /** Ends the process (SIGTERM, then SIGKILL after 3 s) and waits for it. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(timer);
  }
}

const running = new Set<RoleProcess>();

/** The suite's V8 flags, for every role process (flags.ts). */
const NODE_FLAGS = nodeFlags();

/** Starts `roles/<role>.ts` with `argv` and resolves once it is ready. */
export function startRole(role: string, argv: string[] = [], execArgv: string[] = []): Promise<RoleProcess> {
  const file = fileURLToPath(new URL(`../roles/${role}.ts`, import.meta.url));
  return startProcess(role, file, argv, ['--import', 'tsx', '--expose-gc', ...NODE_FLAGS, ...execArgv]);
}

/**
 * Forks `file` with exactly `execArgv` (none: Node's defaults, as the workflow group's user
 * processes run) and resolves once it says it is ready; stopAll ends it with the others.
 */
export async function startProcess(role: string, file: string, argv: string[], execArgv: string[]): Promise<RoleProcess> {
  const child = fork(file, argv, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${role} was not ready within ${READY_MS} ms`));
    }, READY_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited (${code}) before it was ready`));
    });
    child.on('message', (m: Reply) => {
      if (m.kind !== 'ready') return;
      clearTimeout(timer);
      resolve(m.info);
    });
  });
  const p = new RoleProcess(role, child, info);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

/**
 * Runs a full garbage collection in every role process (each answers `collect`, lib/serve.ts),
 * untimed, between repetitions of large transfers: a process's dead 1 GiB buffers otherwise wait
 * for a GC of its own, and left this 24 GiB machine 1.5 GB available during the 1 GiB rows.
 */
export async function collectAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.call('collect')));
}

/** Stops every role process still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/**
 * Child processes for multi-process tests: `spawnNode` starts a TypeScript fixture under tsx
 * and `call` sends it one command, resolving with its answer. Answers are matched by id, so
 * several commands can be in flight at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { defer } from './defer.js';

export interface Reply {
  id?: number;
  ok?: boolean;
  value?: unknown;
  error?: { name: string; message: string };
  ready?: boolean;
}

/** A running fixture process. */
export class ChildNode {
  #next = 1;
  readonly #pending = new Map<number, (r: Reply) => void>();
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(readonly process: ChildProcess, readonly ready: Promise<void>) {
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    process.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** @internal */
  deliver(reply: Reply): void {
    if (reply.id !== undefined) {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    }
  }

  /** Sends a command; resolves with its value, rejects with an Error named like the child's. */
  async call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, resolve);
      void this.exited.then((code) => reject(new Error(`child exited (${code}) before answering ${op}: ${this.stderr}`)));
    });
    this.process.stdin?.write(JSON.stringify({ id, op, ...args }) + '\n');
    const r = await reply;
    if (r.ok) return r.value as T;
    const error = new Error(r.error?.message);
    error.name = r.error?.name ?? 'Error';
    throw error;
  }

  /** Kills the process (SIGKILL unless told otherwise) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    await this.exited;
  }
}

/**
 * Starts `test/fixtures/<fixture>.ts` with arguments and waits until it says it is ready.
 * @param prefix - a wrapper that execs node in place, so signals reach it (`ip netns exec NS`).
 */
export function spawnNode(fixture: string, args: string[] = [], prefix: readonly string[] = []): ChildNode {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}.ts`, import.meta.url));
  const [command, ...rest] = [...prefix, process.execPath, '--import', 'tsx', path, ...args] as [string, ...string[]];
  const child = spawn(command, rest, { stdio: ['pipe', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  const { promise: ready, resolve, reject } = defer();
  const node = new ChildNode(child, ready);
  child.once('exit', (code) => reject(new Error(`${fixture} exited (${code}) before it was ready: ${node.stderr}`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reply = JSON.parse(line) as Reply;
    if (reply.ready) resolve();
    else node.deliver(reply);
  });
  return node;
}

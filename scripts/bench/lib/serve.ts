/**
 * The child side of a bench process: runs a setup, says "ready" with what it returned, then
 * answers each command with the handler of that name. Commands run concurrently. The child
 * exits when the orchestrator goes away, so no process outlives a run.
 * @module
 */
import type { Reply, Request } from './ipc-types.js';

/** One command handler: JSON-able arguments in, JSON-able value out. */
export type Handler = (args: Record<string, unknown>) => Promise<unknown>;

function send(reply: Reply): void {
  process.send?.(reply);
}

const gc = (globalThis as { gc?: () => void }).gc;

/** What every role answers: `collect`, a full garbage collection (roles run with --expose-gc; child.ts collectAll). */
const BUILT_IN: Record<string, Handler> = {
  collect: async () => {
    gc?.();
    return null;
  },
};

/** Serves `handlers` over the IPC channel after `setup` resolves. */
export async function serve(handlers: Record<string, Handler>, setup: () => Promise<unknown> = async () => null): Promise<void> {
  if (!process.send) throw new Error('A bench role must be started by scripts/bench/main.ts (it needs an IPC channel).');
  process.on('disconnect', () => process.exit(0));
  const all = { ...BUILT_IN, ...handlers };
  process.on('message', (message: Request) => {
    const handler = all[message.op];
    const run = handler ? handler(message.args) : Promise.reject(new Error(`unknown op ${message.op}`));
    run.then(
      (value) => send({ kind: 'reply', id: message.id, ok: true, value: value ?? null }),
      (error: unknown) => send({ kind: 'reply', id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  send({ kind: 'ready', info: (await setup()) ?? null });
}

/** A number argument, or `fallback`. */
export function num(args: Record<string, unknown>, name: string, fallback?: number): number {
  const v = args[name] ?? fallback;
  if (typeof v !== 'number') throw new Error(`argument ${name} must be a number`);
  return v;
}

/** A string argument. */
export function str(args: Record<string, unknown>, name: string): string {
  const v = args[name];
  if (typeof v !== 'string') throw new Error(`argument ${name} must be a string`);
  return v;
}

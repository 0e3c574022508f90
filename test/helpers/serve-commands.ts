/**
 * The child side of `test/helpers/child.ts`: reads one JSON command per line on stdin, runs
 * them concurrently (a pending await must not block the others), and answers each on stdout as
 * `{id, ok: true, value}` or `{id, ok: false, error: {name, message}}`, after a `{ready}` line.
 */
import { createInterface } from 'node:readline';

/** A thrown value as the wire shows it. */
export const errorOf = (e: unknown): { name: string; message: string } =>
  e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };

/** Serves commands with `run` until the process exits. */
export function serveCommands<C extends { id: number }>(run: (command: C) => Promise<unknown>): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const c = JSON.parse(line) as C;
    run(c).then(
      (value) => process.stdout.write(JSON.stringify({ id: c.id, ok: true, value: value ?? null }) + '\n'),
      (e: unknown) => process.stdout.write(JSON.stringify({ id: c.id, ok: false, error: errorOf(e) }) + '\n'),
    );
  });
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
}

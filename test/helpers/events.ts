/**
 * Child processes that report what they do as JSON lines, `{"event": "...", ...}`, and take
 * plain lines on stdin. `until(name)` resolves when that event arrives (or has arrived), so a
 * test orders itself by what the child has actually done, never by time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ChildEvent {
  event: string;
  [field: string]: unknown;
}

export class EventChild {
  readonly events: ChildEvent[] = [];
  readonly exited: Promise<number | null>;
  stderr = '';
  readonly #listeners = new Set<() => void>();

  constructor(readonly process: ChildProcess) {
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    process.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: process.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      this.events.push(JSON.parse(line) as ChildEvent);
      for (const listener of this.#listeners) listener();
    });
  }

  /** The first event with this name, once it has arrived; rejects if the child exits first. */
  until(name: string): Promise<ChildEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find((e) => e.event === name);
        if (found) {
          this.#listeners.delete(listener);
          resolve(found);
        }
        return found !== undefined;
      };
      const listener = (): void => void check();
      if (check()) return;
      this.#listeners.add(listener);
      void this.exited.then((code) => {
        if (!check()) reject(new Error(`child exited (${code}) before "${name}"; events ${JSON.stringify(this.events)}; stderr: ${this.stderr}`));
      });
    });
  }

  /** Whether an event has arrived. */
  has(name: string): boolean {
    return this.events.some((e) => e.event === name);
  }

  /** Sends one line on stdin. */
  send(line: string): void {
    this.process.stdin?.write(line + '\n');
  }

  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }
}

/** Runs `test/fixtures/<fixture>.ts` under tsx. */
export function spawnEvents(fixture: string, args: string[]): EventChild {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}.ts`, import.meta.url));
  return new EventChild(spawn(process.execPath, ['--import', 'tsx', path, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
}

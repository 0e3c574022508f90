/**
 * Runs the `proxymesh` command from source as a real child process (`node --import tsx
 * src/cli/main.ts …`), as a user's shell would, and starts `proxymesh peer` daemons.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** How a finished command ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Options of a command run. */
export interface CliOptions {
  /** Bytes written to the command's stdin (which is then closed); stdin is empty otherwise. */
  readonly input?: Uint8Array | string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running command: its process and how it will end. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly result: Promise<CliResult>;
}

/** Starts `proxymesh …args` without waiting for it. */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const env = { ...process.env, ...options.env };
  // The tests' own environment must not switch logging on in the commands they check.
  if (options.env?.['PROXYMESH_LOG'] === undefined) delete env['PROXYMESH_LOG'];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin?.end(options.input ?? '');
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr }));
  });
  return { child, result };
}

/** Runs `proxymesh …args` to the end. */
export function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** The lines a command wrote to stderr (without the final empty one). */
export function stderrLines(result: CliResult): string[] {
  return result.stderr.split('\n').filter((line) => line !== '');
}

/** A `proxymesh peer` daemon. */
export interface Daemon {
  /** The address it printed as its first stdout line. */
  readonly address: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `proxymesh peer …args` and resolves once it has printed its address. */
export async function startDaemon(args: readonly string[] = [], options: CliOptions = {}): Promise<Daemon> {
  const { child, result } = startCli(['peer', ...args], options);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void result.then((r) => reject(new Error(`proxymesh peer exited (${r.code}) before printing its address: ${r.stderr}`)));
  });
  return {
    address,
    child,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return (await result).code;
    },
  };
}

/** A peer's counters, read with `proxymesh stats --json`. */
export async function peerStats(address: string): Promise<{ objects: number; bytes: number; pendingKeys: number; waiters: number }> {
  const r = await cli(['stats', '--peer', address, '--json']);
  if (r.code !== 0) throw new Error(`proxymesh stats failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout.toString()) as { objects: number; bytes: number; pendingKeys: number; waiters: number };
}

/** The text a command printed on stdout, without the final newline. */
export function text(result: CliResult): string {
  return result.stdout.toString().trimEnd();
}

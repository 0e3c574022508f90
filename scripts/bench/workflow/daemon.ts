/**
 * A `proxymesh peer` daemon for the extra pipelining row whose futures a daemon owns: the CLI
 * from dist/, plain node, default flags, on a free loopback port; its address is the first line
 * it prints. Stopped by the caller, and killed if the orchestrator exits first.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const READY_MS = 30_000;
const cli = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));

export interface Daemon {
  readonly address: string;
  stop(): Promise<void>;
}

export async function startDaemon(): Promise<Daemon> {
  const child = spawn(process.execPath, [cli, 'peer', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    process.off('exit', kill);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(kill, 3_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`proxymesh peer printed no address within ${READY_MS} ms`)), READY_MS);
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const line = text.split('\n');
        if (line.length > 1) {
          clearTimeout(timer);
          resolve((line[0] ?? '').trim());
        }
      });
      child.once('exit', (code) => reject(new Error(`proxymesh peer exited (${code}) before printing its address`)));
    });
    child.stdout.resume();
    return { address, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

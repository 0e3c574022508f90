/**
 * `proxymesh demo`: the seed example across three real processes, with no server to install.
 * This process makes a future on its embedded peer and starts `foo` (producer) and `bar`
 * (consumer) together; the printed timeline shows bar working while foo produces, bar
 * blocking at its first use of the proxy, and the result arriving the moment foo sets it.
 *
 * The workers are this very command, run again with the hidden `demo-worker` subcommand on the
 * same Node (`process.execPath` and its flags), so the demo needs nothing beyond the package.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { MeshConnector, Store } from '../../index.js';
import { ROLES } from '../demo/roles.js';
import { say, T0_VARIABLE } from '../demo/timeline.js';

interface DemoOptions {
  readonly consumerFirst?: boolean;
}

// main.ts when running from source (under tsx), main.js when built.
const MAIN = fileURLToPath(new URL(`../main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

function runWorker(role: string, reference: unknown): Promise<void> {
  // execArgv carries `--import tsx` when the demo itself runs from source.
  const child = spawn(process.execPath, [...process.execArgv, MAIN, 'demo-worker', role, JSON.stringify(reference)], { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`The demo's ${role} process failed (${signal ?? `exit code ${code}`}).`))));
  });
}

async function runDemo(options: DemoOptions): Promise<void> {
  process.env[T0_VARIABLE] = String(Date.now());
  // The client owns the future's key: its embedded peer (on a worker thread) serves foo's Set
  // and bar's Await. Only the key and the store's config travel to foo and bar.
  await using store = new Store('proxymesh-demo', new MeshConnector());
  const future = await store.future<number[]>({ shape: 'array' });
  const owner = (future.key as { peer: string }).peer;
  say('client', `made a future; its key is owned by this process's peer at ${owner}`);
  const started = options.consumerFirst === true ? [runWorker('bar', future.proxy()), runWorker('foo', future)] : [runWorker('foo', future), runWorker('bar', future.proxy())];
  say('client', options.consumerFirst === true ? 'started bar, then foo' : 'started foo and bar together');
  await Promise.all(started);
  say('client', `both finished; the future is done: ${await future.done()}`);
}

/** Adds `demo` and its hidden worker command to the program. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('run the seed example (a future across three processes) and print its timeline')
    .description(
      'Run ProxyStore\'s "Proxy Futures" example across real processes: this process makes a future on its embedded peer, then starts foo (which produces the value slowly and sets it) and bar (which gets a proxy of the value, works, and blocks only when it first uses it). Takes a few seconds.',
    )
    .option('--consumer-first', 'start bar before foo')
    .action(runDemo);

  program
    .command('demo-worker', { hidden: true })
    .description('one worker process of the demo (internal)')
    .argument('<role>', 'foo or bar')
    .argument('<reference>', 'the future or proxy, as JSON')
    .action(async (role: string, reference: string) => {
      const run = ROLES[role];
      if (run === undefined) throw new Error(`Unknown demo role ${JSON.stringify(role)}: expected foo or bar.`);
      await run(reference);
    });
}

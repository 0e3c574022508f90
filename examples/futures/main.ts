/**
 * The seed's example (ProxyStore's "Proxy Futures" guide) across real processes: a client
 * makes a future over the mesh and starts foo (producer) and bar (consumer) at the same time.
 * bar works while foo produces, blocks at its first use of the proxy, and gets the value the
 * moment foo sets it. `--consumer-first` starts bar before foo.
 *
 * Run it with `npm start` (after `npm install`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MeshConnector, Store } from 'proxymesh';
import { log } from './timeline.js';

process.env['PROXYMESH_EXAMPLE_T0'] = String(Date.now());
const consumerFirst = process.argv.includes('--consumer-first');

function run(name: string, argument: unknown): Promise<void> {
  const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(argument)], { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with code ${code}`))));
  });
}

// The client owns the future's key: its embedded peer (on a worker thread) serves foo's Set
// and bar's Await. Only the key and the store's config travel to foo and bar.
await using store = new Store('seed-example', new MeshConnector());
const future = await store.future<number[]>({ shape: 'array' });
log('client', `made a future; its key is owned by this process's peer at ${(future.key as { peer: string }).peer}`);

const started = consumerFirst
  ? [run('bar', future.proxy()), run('foo', future)]
  : [run('foo', future), run('bar', future.proxy())];
log('client', consumerFirst ? 'started bar, then foo' : 'started foo and bar together');
await Promise.all(started);
log('client', `both finished; the future is done: ${await future.done()}`);

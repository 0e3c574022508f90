/**
 * The engines' dependencies are optional: importing proxymesh loads neither piscina nor
 * bullmq, and each loads when its engine is first made. Run in a fresh process, which records
 * every module URL its ES module loader loads.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// A loader hook that posts each URL it loads; the script reads them when it needs to know.
const RECORDER = `let port; export function initialize(data) { port = data.port; } export async function load(url, context, next) { port.postMessage(url); return next(url, context); }`;

const SCRIPT = `
import { register } from 'node:module';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
port1.unref();
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RECORDER)}), import.meta.url, { data: { port: port2 }, transferList: [port2] });
const seen = [];
const loaded = (name) => {
  for (let m; (m = receiveMessageOnPort(port1)); ) seen.push(m.message);
  return seen.some((url) => url.includes('/node_modules/' + name + '/'));
};
const api = await import('./src/index.ts');
const afterImport = { piscina: loaded('piscina'), bullmq: loaded('bullmq') };
const engine = await api.piscinaEngine({ filename: './test/fixtures/executor-piscina-worker.ts', maxThreads: 1, minThreads: 0 });
await engine.close();
const afterPiscina = { piscina: loaded('piscina'), bullmq: loaded('bullmq') };
// Nothing listens on port 1: the engine fails, after importing bullmq.
const failed = await api.bullmqEngine({ queue: 'q', connection: { host: '127.0.0.1', port: 1, retryStrategy: () => null } }).then(() => false, () => true);
const afterBullmq = { piscina: loaded('piscina'), bullmq: loaded('bullmq') };
console.log(JSON.stringify({ afterImport, afterPiscina, failed, afterBullmq }));
`;

describe('optional engine dependencies', () => {
  // Importing the package loads no engine; making a piscina engine loads piscina alone, a BullMQ engine bullmq.
  it('loads piscina and bullmq only when their engines are made', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: process.cwd(), timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      afterImport: { piscina: false, bullmq: false },
      afterPiscina: { piscina: true, bullmq: false },
      failed: true,
      afterBullmq: { piscina: true, bullmq: true },
    });
  });
});

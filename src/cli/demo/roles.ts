/**
 * The two workers of the seed example ("Proxy Futures"), each run in its own process:
 * `foo` produces a value slowly and sets the future; `bar` starts at the same time with a
 * proxy of that value, does independent work, and blocks only when it first uses the proxy.
 * @module
 */
import { isResolved, reviver, type Future } from '../../index.js';
import { say, work } from './timeline.js';

/** How many numbers foo produces, and how long each side works (ms). */
const COUNT = 1_000_000;
const FOO_WORK_MS = 1_500;
const BAR_WORK_MS = 500;

/** foo, the producer: receives the future (as JSON), produces the data, sets the result. */
export async function foo(reference: string): Promise<void> {
  const future = JSON.parse(reference, reviver) as Future<number[]>;
  say('foo', 'started; producing the data (this takes a while)');
  await work(FOO_WORK_MS);
  const data = Array.from({ length: COUNT }, (_, i) => i % 100);
  await future.setResult(data);
  say('foo', `set the result: ${data.length.toLocaleString('en')} numbers`);
}

/** bar, the consumer: receives a proxy (as JSON), works, then uses it, blocking until set. */
export async function bar(reference: string): Promise<void> {
  const data = JSON.parse(reference, reviver) as number[];
  say('bar', `started with a proxy (resolved: ${isResolved(data)}); doing independent work`);
  await work(BAR_WORK_MS);
  say('bar', 'independent work done; now using the data (blocks until foo sets it)');
  const before = Date.now();
  // The first use of the proxy: a synchronous call that blocks this thread until the value
  // is pushed by its owner.
  const total = data.reduce((sum, x) => sum + x, 0);
  say('bar', `got ${data.length.toLocaleString('en')} numbers after blocking ${Date.now() - before} ms; sum = ${total.toLocaleString('en')}`);
}

/** The roles by name, for the hidden `demo-worker ROLE REFERENCE` command. */
export const ROLES: Readonly<Record<string, (reference: string) => Promise<void>>> = { foo, bar };

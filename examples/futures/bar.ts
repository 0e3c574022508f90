/**
 * bar, the consumer: receives a proxy of the future's value and starts at once. It blocks only
 * when it first uses the proxy, and only until foo has set the value.
 */
import { isResolved, reviver } from 'proxymesh';
import { log, work } from './timeline.js';

const data = JSON.parse(process.argv[2]!, reviver) as number[];
log('bar', `started with a proxy (resolved: ${isResolved(data)}); doing independent work`);
await work(500);
log('bar', 'independent work done; now using the data (blocks until foo sets it)');
const before = Date.now();
const total = data.reduce((sum, x) => sum + x, 0); // first use: blocks here
log('bar', `got ${data.length.toLocaleString('en')} numbers after blocking ${Date.now() - before} ms; sum = ${total.toLocaleString('en')}`);

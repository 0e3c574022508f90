/**
 * foo, the producer: receives a future, produces the value (slowly), and sets it.
 * Run by main.ts with the future's JSON as its argument.
 */
import { reviver, type Future } from 'proxymesh';
import { log, work } from './timeline.js';

const future = JSON.parse(process.argv[2]!, reviver) as Future<number[]>;
log('foo', 'started; producing the data (this takes a while)');
await work(1500);
const data = Array.from({ length: 1_000_000 }, (_, i) => i % 100);
await future.setResult(data);
log('foo', `set the result: ${data.length.toLocaleString('en')} numbers`);

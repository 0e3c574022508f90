/**
 * The executor group's section of BENCHMARKS.md: the workflow's time and Redis traffic with
 * the data as proxies, beside the same workflow passing it by value through BullMQ.
 * @module
 */
import { sizeLabel } from '../config.js';
import type { ExecutorRow } from './types.js';

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The section, or nothing for a run without the group. */
export function executorSection(rows: readonly ExecutorRow[] | undefined): string {
  const proxy = rows?.find((r) => r.mode === 'proxy');
  const value = rows?.find((r) => r.mode === 'value');
  if (proxy === undefined || value === undefined) return '';
  return [
    '## StoreExecutor over BullMQ',
    '',
    `A client process submits ${proxy.tasks} tasks at once to a BullMQ queue taken by ${proxy.workers} worker processes (one host, Node's default flags); each task's input and result are ${sizeLabel(proxy.size)}. *proxy*: \`StoreExecutor\` with \`proxyLargerThan(64 KiB)\`, so jobs carry references and the bytes move between the processes' mesh peers; *value*: the same executor passing the bytes by value (base64 in the job, through Redis). Time: first submit to every result held by the client, median (min–max) over the repetitions after a warm-up. Ratios are value ÷ proxy (above 1: proxies are faster, or lighter on Redis).`,
    '',
    '| mode | seconds | Redis bytes received per task |',
    '| --- | ---: | ---: |',
    `| proxy | ${fixed(proxy.seconds.median, 2)} (${fixed(proxy.seconds.min, 2)}–${fixed(proxy.seconds.max, 2)}) | ${fixed(proxy.redisBytesPerTask, 0)} |`,
    `| value | ${fixed(value.seconds.median, 2)} (${fixed(value.seconds.min, 2)}–${fixed(value.seconds.max, 2)}) | ${fixed(value.redisBytesPerTask, 0)} |`,
    `| ratio value ÷ proxy | ${fixed(value.seconds.median / proxy.seconds.median, 2)}× | ${fixed(value.redisBytesPerTask / proxy.redisBytesPerTask, 0)}× |`,
    '',
  ].join('\n');
}

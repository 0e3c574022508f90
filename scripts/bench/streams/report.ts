/**
 * The streams group's section of BENCHMARKS.md: a table per size, and the ratio of each shim's
 * proxy stream to the same shim carrying the bytes by value.
 * @module
 */
import { sizeLabel } from '../config.js';
import type { StreamRow } from './types.js';

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The section, or nothing for a run without the group. */
export function streamsSection(rows: readonly StreamRow[] | undefined): string {
  if (rows === undefined || rows.length === 0) return '';
  const lines = [
    '## Streams of proxies',
    '',
    'A producer process sends objects through a broker ("shim") to a consumer process, which reads each one. *proxy*: the event carries the key and the store config, and the bytes come from the producer\'s own mesh peer (evicted once read); *value*: the bytes travel inside the event, through the same shim. Events per second: sent back to back, first send to last object held. Latency: one event at a time, send to object held. Ratios are proxy ÷ value (above 1: the proxy stream is faster; for latency, below 1 is faster).',
    '',
    '| size | shim | proxy events/s | value events/s | ratio | proxy p50 ms | value p50 ms | ratio | proxy p99 ms | value p99 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const size of [...new Set(rows.map((r) => r.size))]) {
    for (const shim of [...new Set(rows.map((r) => r.shim))]) {
      const proxy = rows.find((r) => r.size === size && r.shim === shim && r.mode === 'proxy');
      const value = rows.find((r) => r.size === size && r.shim === shim && r.mode === 'value');
      if (proxy === undefined || value === undefined) continue;
      lines.push(
        `| ${sizeLabel(size)} | ${shim} | ${fixed(proxy.eventsPerSecond, 0)} | ${fixed(value.eventsPerSecond, 0)} | ${fixed(proxy.eventsPerSecond / value.eventsPerSecond, 2)}× | ${fixed(proxy.latencyP50Ms, 2)} | ${fixed(value.latencyP50Ms, 2)} | ${fixed(proxy.latencyP50Ms / value.latencyP50Ms, 2)}× | ${fixed(proxy.latencyP99Ms, 2)} | ${fixed(value.latencyP99Ms, 2)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

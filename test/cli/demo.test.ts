/** `proxymesh demo` runs the seed example across three processes and prints its timeline. */
import { describe, expect, it } from 'vitest';
import { cli, text } from './cli.js';

const at = (lines: string[], fragment: string): number => lines.findIndex((l) => l.includes(fragment));

describe('proxymesh demo', () => {
  // Exit 0; bar starts with an unresolved proxy, blocks at first use, and gets foo's value only after foo set it.
  it('prints the timeline of the seed example', async () => {
    const r = await cli(['demo']);
    expect(r.code, r.stderr).toBe(0);
    const lines = text(r).split('\n');
    const barStarted = at(lines, '[bar] started with a proxy (resolved: false)');
    const barBlocks = at(lines, '[bar] independent work done; now using the data');
    const fooSet = at(lines, '[foo] set the result');
    const barGot = at(lines, '[bar] got 1,000,000 numbers');
    expect(Math.min(barStarted, barBlocks, fooSet, barGot)).toBeGreaterThanOrEqual(0);
    // Only causality is asserted (that bar's work overlaps foo's is timing, which a loaded
    // machine may stretch): bar reaches its first use, and its value arrives after foo set it.
    expect(barBlocks).toBeGreaterThan(barStarted);
    expect(barGot).toBeGreaterThan(fooSet);
    expect(lines[barGot]).toContain('sum = 49,500,000');
    expect(lines.at(-1)).toContain('the future is done: true');
  }, 60_000);
});

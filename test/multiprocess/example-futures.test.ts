/**
 * Runs the runnable example (examples/futures, what `npm start` runs) against this checkout's
 * source (test/helpers/from-source.ts), in both orders, and checks what causality guarantees: bar's result arrives after
 * foo set it, and it is the right one.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sourceEnv } from '../helpers/from-source.js';

const main = fileURLToPath(new URL('../../examples/futures/main.ts', import.meta.url));

async function runExample(...args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', main, ...args], { timeout: 60_000, env: sourceEnv() });
  return stdout.trim().split('\n');
}

const index = (lines: string[], text: string): number => lines.findIndex((l) => l.includes(text));

describe('examples/futures', () => {
  for (const args of [[], ['--consumer-first']]) {
    // The example exits 0 and bar prints the sum of foo's data only after foo has set it.
    it(`runs ${args.length ? 'with the consumer first' : 'with both started together'}`, async () => {
      const lines = await runExample(...args);
      const set = index(lines, '[foo] set the result');
      const got = index(lines, '[bar] got 1,000,000 numbers');
      expect(index(lines, '[bar] started with a proxy (resolved: false)')).toBeGreaterThanOrEqual(0);
      expect(set).toBeGreaterThanOrEqual(0);
      expect(got).toBeGreaterThan(set);
      expect(lines[got]).toContain('sum = 49,500,000');
      expect(lines.at(-1)).toContain('the future is done: true');
    }, 60_000);
  }
});

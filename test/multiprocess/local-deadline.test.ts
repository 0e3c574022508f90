/**
 * A wait with a deadline keeps its process alive until the deadline: a program whose only work
 * is waiting on an in-process future ends with DeadlineExceededError, not with Node finding
 * nothing left to run (exit code 13, an unsettled top-level await).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

describe('a deadline on an in-process wait', () => {
  // Proves: the process stays up until the 300 ms deadline and the wait ends with DeadlineExceededError naming the key.
  it('keeps the process alive until it fires', () => {
    const program = `
      import { LocalConnector, Store } from ${JSON.stringify(source)};
      const store = new Store('local-deadline', new LocalConnector());
      const future = await store.future();
      try {
        await future.result({ timeoutMs: 300 });
        console.log('no error');
      } catch (error) {
        console.log(error.name + ': ' + error.message);
      }`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^DeadlineExceededError: Waiting for key .* did not finish within 300 ms/);
  });
});

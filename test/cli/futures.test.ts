/**
 * future, await and set through the command, each in its own process, against a real daemon;
 * and what a waiting await sees when the daemon stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { cli, peerStats, startCli, startDaemon, stderrLines, text, type Daemon } from './cli.js';

let daemon: Daemon;

beforeAll(async () => {
  daemon = await startDaemon();
});

afterAll(async () => {
  await daemon.stop();
});

// What `future` prints: the key, then "#" and the capability that `set` needs.
function splitFuture(line: string): { key: string; future: string } {
  expect(line).toMatch(/^pm:\/\/\S+\/[0-9a-f]{16}\/[0-9a-f]{32}#[A-Za-z0-9_-]+$/);
  return { key: line.slice(0, line.indexOf('#')), future: line };
}

async function newFuture(): Promise<{ key: string; future: string }> {
  const made = await cli(['future', '--peer', daemon.address]);
  expect(made.code, made.stderr).toBe(0);
  return splitFuture(text(made));
}

describe('proxymesh future / await / set', () => {
  // An await started before the set (ordered by the owner's waiter count) gets the value a set in another process sends.
  it('delivers a set value to an await that started first', async () => {
    const { key, future } = await newFuture();
    const waiting = startCli(['await', key]);
    await waitFor(async () => (await peerStats(daemon.address)).waiters >= 1, 'the await is registered on the daemon');
    const set = await cli(['set', future, '-'], { input: 'the value' });
    expect(set.code, set.stderr).toBe(0);
    const got = await waiting.result;
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.toString()).toBe('the value');
  });

  // Keys are write-once: a second set exits 1 and the first value stays.
  it('refuses a second set', async () => {
    const { key, future } = await newFuture();
    expect((await cli(['set', future], { input: 'first' })).code).toBe(0);
    const again = await cli(['set', future], { input: 'second' });
    expect(again.code).toBe(1);
    expect(stderrLines(again)).toHaveLength(1);
    expect((await cli(['get', key])).stdout.toString()).toBe('first');
  });

  // Holding the key alone grants reading, not writing: set without the capability exits 1 and says what to pass.
  it('refuses a set without the capability', async () => {
    const { key } = await newFuture();
    const set = await cli(['set', key], { input: 'x' });
    expect(set.code).toBe(1);
    expect(stderrLines(set)).toEqual([expect.stringContaining('KEY#CAPABILITY')]);
  });

  // --timeout bounds the wait: a key nobody sets ends with exit 4 and one line.
  it('times out with exit 4', async () => {
    const { key } = await newFuture();
    const r = await cli(['await', key, '--timeout', '0.3']);
    expect(r.code).toBe(4);
    expect(stderrLines(r)).toEqual([expect.stringContaining('did not finish within 300 ms')]);
  });

  // SIGTERM stops the daemon cleanly: a pending await ends with an error (exit 1), the daemon exits 0.
  it('ends a pending await when its daemon gets SIGTERM', async () => {
    const own = await startDaemon();
    const made = await cli(['future', '--peer', own.address]);
    const { key } = splitFuture(text(made));
    const waiting = startCli(['await', key]);
    await waitFor(async () => (await peerStats(own.address)).waiters >= 1, 'the await is registered on the daemon');
    expect(await own.stop('SIGTERM')).toBe(0);
    const r = await waiting.result;
    expect(r.code).toBe(1);
    expect(stderrLines(r)).toEqual([expect.stringMatching(/shut down/)]);
  });

  // SIGINT (Ctrl-C) stops an idle daemon with exit 0 as well.
  it('stops on SIGINT with exit 0', async () => {
    const own = await startDaemon();
    expect(await own.stop('SIGINT')).toBe(0);
  });
});

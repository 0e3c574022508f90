/** Every subcommand has --help; the top-level help documents the exit codes; --version works. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cli, text } from './cli.js';

const COMMANDS = ['peer', 'put', 'get', 'exists', 'evict', 'future', 'set', 'await', 'stats', 'demo'];

describe('proxymesh --help', () => {
  // Each subcommand's --help exits 0 and prints its usage on stdout, nothing on stderr.
  it('works for every subcommand', async () => {
    const results = await Promise.all(COMMANDS.map((c) => cli([c, '--help'])));
    results.forEach((r, i) => {
      expect(r.code, COMMANDS[i]).toBe(0);
      expect(text(r)).toContain(`Usage: proxymesh ${COMMANDS[i]}`);
      expect(r.stderr).toBe('');
    });
  });

  // The top-level help lists every command and the exit-code table, and hides the demo's worker.
  it('lists the commands and the exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(text(r)).toMatch(new RegExp(`^  ${c} `, 'm'));
    for (const code of ['0  success', '1  error', '2  usage error', '3  key not found', '4  timeout']) expect(text(r)).toContain(code);
    expect(text(r)).not.toContain('demo-worker');
  });

  // --version prints the package's version.
  it('prints the version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await cli(['--version']);
    expect([r.code, text(r)]).toEqual([0, pkg.version]);
  });
});

/**
 * Bad input gets one clear line on stderr, no stack trace (unless --debug), and its
 * documented exit code.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cli, startDaemon, stderrLines } from './cli.js';

const KEY = 'pm://127.0.0.1:7001/0123456789abcdef/0123456789abcdef0123456789abcdef';

/** A loopback port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectOneLine(r: { stderr: string }, ...fragments: string[]): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('proxymesh errors', () => {
  // A malformed key is a usage error: exit 2, one line that quotes it.
  it('malformed key → exit 2', async () => {
    const r = await cli(['get', 'pm://nope']);
    expect(r.code).toBe(2);
    expectOneLine(r, '"pm://nope"');
  });

  // An unreachable peer is an error: exit 1, one line naming its address.
  it('unreachable peer → exit 1', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const r = await cli(['put', '--peer', address], { input: 'x' });
    expect(r.code).toBe(1);
    expectOneLine(r, address, 'unavailable');
    const get = await cli(['get', KEY.replace('127.0.0.1:7001', address)]);
    expect(get.code).toBe(1);
    expectOneLine(get, address);
  });

  // A missing input file: exit 1, one line naming the path.
  it('missing file → exit 1', async () => {
    const r = await cli(['put', '--peer', '127.0.0.1:7001', '/no/such/file']);
    expect(r.code).toBe(1);
    expectOneLine(r, '/no/such/file', 'no such file');
  });

  // Commander's usage errors (missing argument, unknown command or option, bad values) exit 2 with one line.
  it('usage errors → exit 2', async () => {
    const cases: [string[], string][] = [
      [['get'], "missing required argument 'key'"],
      [['bogus'], "unknown command 'bogus'"],
      [['put'], '--peer'],
      [['await', KEY, '--timeout', 'soon'], '--timeout'],
      [['peer', '--listen', 'nowhere'], 'nowhere'],
      [['put', '--peer', 'no-port'], 'no-port'],
      [['get', KEY, '--frobnicate'], '--frobnicate'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args, { env: { PROXYMESH_PEER: '' } })));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expectOneLine(r, cases[i]![1]);
    });
  });

  // A daemon that cannot bind says so in one line and exits 1.
  it('a taken port → exit 1', async () => {
    const daemon = await startDaemon();
    try {
      const r = await cli(['peer', '--listen', daemon.address]);
      expect(r.code).toBe(1);
      expectOneLine(r, `Cannot listen on ${daemon.address}`, 'in use');
    } finally {
      await daemon.stop();
    }
  });

  // --debug adds the stack trace after the one line.
  it('--debug shows the stack', async () => {
    const r = await cli(['--debug', 'put', '--peer', '127.0.0.1:7001', '/no/such/file']);
    expect(r.code).toBe(1);
    expect(stderrLines(r)[0]).toMatch(/^proxymesh: Cannot read \/no\/such\/file/);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});

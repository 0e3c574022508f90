/** The structured logger: off by default, JSON lines on stderr when switched on. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getLogLevel, log, parseLogLevel, setLogLevel } from '../../src/log.js';
import { startDaemon } from './cli.js';

function captureStderr(): { lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return { lines: () => written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

afterEach(() => {
  vi.restoreAllMocks();
  setLogLevel('off');
});

describe('log', () => {
  // Nothing is written unless a level is chosen (the tests' environment sets none).
  it('is off by default', () => {
    const out = captureStderr();
    expect(getLogLevel()).toBe(process.env['PROXYMESH_LOG'] ? parseLogLevel(process.env['PROXYMESH_LOG']) : 'off');
    setLogLevel('off');
    log.warn('nobody hears this');
    expect(out.lines()).toEqual([]);
  });

  // A record is one JSON line with t, level, msg and the fields; bigints and errors are readable; lower levels are dropped.
  it('writes JSON lines at or above the level', () => {
    const out = captureStderr();
    setLogLevel('info');
    log.debug('dropped');
    log.info('peer started', { address: '127.0.0.1:7001', count: 3n, error: new RangeError('boom'), msg: 'a field named msg' });
    const [record, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ level: 'info', msg: 'peer started', address: '127.0.0.1:7001', count: 3, error: { name: 'RangeError', message: 'boom' }, field_msg: 'a field named msg' });
    expect(Number.isNaN(Date.parse(String(record?.['t'])))).toBe(false);
  });

  // An unknown level name is refused with the accepted ones listed.
  it('parses level names', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(() => parseLogLevel('loud')).toThrow(/debug, info, warn, off/);
  });

  // The daemon logs its start and stop as JSON when PROXYMESH_LOG or --log asks for it, and stays silent otherwise.
  it('is switched on in the daemon by PROXYMESH_LOG or --log', async () => {
    const byEnv = await startDaemon([], { env: { PROXYMESH_LOG: 'info' } });
    const byFlag = await startDaemon(['--log', 'info']);
    const silent = await startDaemon();
    // Stop every daemon first, so a failed expectation below leaves no process behind.
    const codes = await Promise.all([byEnv, byFlag, silent].map((d) => d.stop()));
    expect(codes).toEqual([0, 0, 0]);
    for (const daemon of [byEnv, byFlag]) {
      const records = daemon.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.map((r) => r['msg'])).toEqual(['peer started', 'stop signal received', 'peer stopping', 'peer stopped']);
      expect(records[0]).toMatchObject({ level: 'info', address: daemon.address });
    }
    expect(silent.stderr()).toBe('');
  });
});

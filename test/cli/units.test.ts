/** The CLI's number parsers and its progress line (on a fake terminal). */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';
import { formatBytes, parseSeconds, parseSize } from '../../src/cli/units.js';

function fakeStream(isTTY: boolean): { isTTY: boolean; written: string[]; write(text: string): boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (t: string) => written.push(t) > 0 };
}

describe('units', () => {
  // Sizes take binary suffixes; anything else is refused.
  it('parses sizes', () => {
    expect(parseSize('1048576')).toBe(1048576);
    expect(parseSize('64M')).toBe(64 * 2 ** 20);
    expect(parseSize('2GiB')).toBe(2 * 2 ** 30);
    for (const bad of ['0', '-1', '1.5M', 'lots', '']) expect(() => parseSize(bad)).toThrow(/positive number of bytes/);
  });

  // Seconds may be decimal and become whole milliseconds; zero, negatives and words are refused.
  it('parses seconds', () => {
    expect(parseSeconds('30')).toBe(30_000);
    expect(parseSeconds('0.25')).toBe(250);
    for (const bad of ['0', '-1', 'soon', '1e3', '']) expect(() => parseSeconds(bad)).toThrow(/positive number of seconds/);
  });

  // Sizes for people use binary units.
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64 * 2 ** 20)).toBe('64.0 MiB');
  });
});

describe('Progress', () => {
  // On a terminal the line is redrawn in place and ended by finish.
  it('draws on a terminal', () => {
    const stream = fakeStream(true);
    const p = new Progress(stream);
    p.show('reading 1 / 2', true);
    p.finish('done');
    expect(stream.written).toEqual(['\r\x1b[Kreading 1 / 2', '\r\x1b[Kdone\n']);
  });

  // Piped or redirected, it writes nothing at all.
  it('is quiet off a terminal', async () => {
    const stream = fakeStream(false);
    const p = new Progress(stream);
    p.show('reading', true);
    await p.during('sending', Promise.resolve(1));
    p.finish('done');
    expect(stream.written).toEqual([]);
  });

  // A quick operation with a delay draws nothing, so small transfers leave no trace.
  it('skips quick work when delayed', async () => {
    const stream = fakeStream(true);
    const p = new Progress(stream);
    expect(await p.during('receiving', Promise.resolve('x'), 1_000)).toBe('x');
    p.finish('received');
    expect(stream.written).toEqual([]);
  });
});

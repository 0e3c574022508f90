// StaticLifetime ends with its process: when the event loop empties, and on SIGINT/SIGTERM,
// where the process still ends by the signal (its default action is not swallowed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConnector, type FileKey } from '../../src/connectors/file.js';
import { spawnEvents, type EventChild } from '../helpers/events.js';

let directory: string;
const children: EventChild[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

async function start(mode: 'drain' | 'wait'): Promise<{ child: EventChild; key: FileKey; files: FileConnector }> {
  directory = await mkdtemp(join(tmpdir(), 'proxymesh-static-'));
  const child = spawnEvents('static-lifetime-node', [directory, mode]);
  children.push(child);
  const { key } = (await child.until('stored')) as unknown as { key: FileKey };
  return { child, key, files: new FileConnector({ directory }) };
}

describe('StaticLifetime at process exit', () => {
  // A process whose event loop empties evicts its static objects and exits normally.
  it('evicts when the event loop empties', async () => {
    const { child, key, files } = await start('drain');
    expect(await child.exited).toBe(0);
    expect(await files.exists(key)).toBe(false);
    await files.close();
  });

  // SIGTERM and SIGINT evict, then the process still dies of the signal.
  it.each(['SIGTERM', 'SIGINT'] as const)('evicts on %s and still ends by the signal', async (signal) => {
    const { child, key, files } = await start('wait');
    expect(await files.exists(key)).toBe(true);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.process.once('exit', (_code, s) => resolve(s)));
    child.process.kill(signal);
    expect(await ended).toBe(signal);
    expect(await files.exists(key)).toBe(false);
    await files.close();
  });
});

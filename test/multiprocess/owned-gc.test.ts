// The FinalizationRegistry backstop: an OwnedProxy garbage-collected without being released
// evicts its object, while an owner still referenced keeps it (a child run with --expose-gc).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { FileConnector, type FileKey } from '../../src/connectors/file.js';
import { EventChild } from '../helpers/events.js';

let directory: string | undefined;
let child: EventChild | undefined;

afterEach(async () => {
  await child?.kill();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

// The dropped owner's object is evicted by GC alone; the kept owner's object stays.
it('evicts the object of an owner collected without release', async () => {
  directory = await mkdtemp(join(tmpdir(), 'proxymesh-owned-gc-'));
  const fixture = fileURLToPath(new URL('../fixtures/owned-gc-node.ts', import.meta.url));
  child = new EventChild(spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fixture, directory], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const report = (await child.until('collected')) as unknown as { dropped: FileKey; kept: FileKey; droppedExists: boolean; keptExists: boolean };
  expect(report.droppedExists).toBe(false);
  expect(report.keptExists).toBe(true);
  const files = new FileConnector({ directory });
  expect(await files.exists(report.dropped)).toBe(false);
  await files.close();
});

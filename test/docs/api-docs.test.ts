/**
 * The API reference stays complete: typedoc, with the settings in typedoc.json (every export
 * documented, no referenced type left unexported, warnings are errors), must build cleanly.
 *
 * A test rather than a step of `npm run check`: typedoc takes 10–15 s here, which would lengthen
 * the serial `check` before vitest starts; as a test it runs alongside the rest of the suite.
 * It renders into a scratch directory rather than using `--emit none`, which skips rendering and
 * so misses its warnings (e.g. a README code block in a language typedoc cannot highlight),
 * at no measurable extra cost.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const typedoc = `${root}node_modules/typedoc/bin/typedoc`;

describe('API reference', () => {
  const out = mkdtempSync(join(tmpdir(), 'proxymesh-api-docs-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  // What `npm run docs` does, into a scratch directory: exits 0 only with no warning at all.
  it('builds with no warnings (every export documented)', async () => {
    let output: string;
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [typedoc, '--out', out], { cwd: root, timeout: 110_000 });
      output = `${stdout}${stderr}`;
    } catch (error) {
      // A non-zero exit: show typedoc's own report, which names each undocumented export.
      const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`typedoc failed:\n${stdout}${stderr}${message}`);
    }
    expect(output).not.toMatch(/\[(warning|error)\]/);
  }, 120_000);
});

/**
 * Every ```ts block of the README runs, as a user would write it (`import … from 'proxymesh'`),
 * against this checkout's source (test/helpers/from-source.ts), never a stale build: it must exit 0, and every `console.log(…); // OUTPUT` line
 * must print exactly OUTPUT, in order. The README cannot drift from the API.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceEnv } from '../helpers/from-source.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the package, so `proxymesh` resolves to this package itself (self-reference).
const scratch = `${root}.readme-examples/`;
const blocks = [...readFileSync(`${root}README.md`, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README examples', () => {
  mkdirSync(scratch, { recursive: true });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // Guards against a README whose examples silently stopped being found.
  it('has TypeScript examples to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  blocks.forEach((code, i) => {
    const firstLine = code.split('\n').find((l) => l.startsWith('//') || l.startsWith('const')) ?? '';
    // Each example runs to completion without an error.
    it(`example ${i + 1} runs (${firstLine.slice(0, 60)})`, async () => {
      const file = `${scratch}example-${i + 1}.ts`;
      writeFileSync(file, code);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 30_000, env: sourceEnv() });
      const promised = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1]!.trim());
      expect(stdout.trim().split('\n').map((l) => l.trim())).toEqual(promised);
    }, 40_000);
  });
});

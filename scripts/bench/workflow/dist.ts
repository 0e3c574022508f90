/**
 * The workflow group's user processes import the package by its name, which Node resolves to
 * its `exports`, dist/: a dist/ older than src/ would measure old code. So before the group runs,
 * dist/ is rebuilt (`npm run build`) whenever a source file is newer than its last build.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { log } from '../scenarios/context.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD_MS = 180_000;

/** The newest modification time under `dir` (recursively), 0 when it does not exist. */
function newest(dir: string): number {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const e of entries) if (e.isFile()) latest = Math.max(latest, statSync(`${e.parentPath}/${e.name}`).mtimeMs);
  return latest;
}

/** When dist/ was last built: tsc rewrites its entry point on every build. */
function builtAt(): number {
  try {
    return statSync(`${root}dist/src/index.js`).mtimeMs;
  } catch {
    return 0;
  }
}

/** Rebuilds dist/ when src/ or gen/ changed since its last build; throws, saying why, when it cannot. */
export function ensureDist(): void {
  const sources = Math.max(newest(`${root}src`), newest(`${root}gen`), statSync(`${root}tsconfig.build.json`).mtimeMs);
  const built = builtAt();
  if (built >= sources) return;
  log(built === 0 ? '  dist/ is missing: npm run build' : `  dist/ is older than src/ (by ${((sources - built) / 1000).toFixed(0)} s): npm run build`);
  try {
    execFileSync('npm', ['run', 'build'], { cwd: root, timeout: BUILD_MS, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`dist/ is stale and \`npm run build\` failed, so the workflow rows would measure old code: ${String(error)} ${stderr.slice(0, 2000)}`);
  }
  if (builtAt() < sources) throw new Error('dist/ is still older than src/ after `npm run build`');
}

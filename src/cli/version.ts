/**
 * The package's version, read from its package.json at run time: the compiled CLI lives at
 * dist/src/cli and the source at src/cli, so the file is found by walking up, not by a fixed
 * relative path.
 * @module
 */
import { readFileSync } from 'node:fs';

/** The `version` of the nearest package.json named `proxymesh` above this module. */
export function packageVersion(): string {
  for (let url = new URL('./package.json', import.meta.url); ; ) {
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'proxymesh' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here (or an unreadable one): keep walking up.
    }
    const parent = new URL('../package.json', url);
    if (parent.href === url.href) return 'unknown';
    url = parent;
  }
}

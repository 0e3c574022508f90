// Fails when gen/ is not exactly what `buf generate` makes from proto/ now, so the committed
// generated code can never drift from the contract.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'proxymesh-gen-'));
try {
  execFileSync('npx', ['buf', 'generate', '--template', 'buf.gen.yaml', '-o', out], { stdio: 'inherit' });
  const files = (dir) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
  const fresh = new Map(files(join(out, 'gen')).map((f) => [relative(join(out, 'gen'), f), readFileSync(f, 'utf8')]));
  const committed = new Map(files('gen').map((f) => [relative('gen', f), readFileSync(f, 'utf8')]));
  const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter((f) => fresh.get(f) !== committed.get(f));
  if (stale.length > 0) {
    console.error(`gen/ is stale (${stale.join(', ')}): run \`npm run generate\` and commit the result.`);
    process.exit(1);
  }
  console.log('gen/ matches proto/.');
} finally {
  rmSync(out, { recursive: true, force: true });
}

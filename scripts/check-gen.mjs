// Fails when gen/ (the ts-proto code) or descriptors/ (the descriptor set peers serve through
// gRPC reflection) is not exactly what `npm run generate` makes from the protos now, so neither
// can drift from the contract. Keep the two steps in line with package.json `generate`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'proxymesh-gen-'));
try {
  // ts-proto code of the contract, then the FileDescriptorSet of every proto in the workspace.
  execFileSync('npx', ['buf', 'generate', '--template', 'buf.gen.yaml', '-o', out], { stdio: 'inherit' });
  mkdirSync(join(out, 'descriptors'));
  execFileSync('npx', ['buf', 'build', '--as-file-descriptor-set', '-o', join(out, 'descriptors', 'proxymesh.binpb')], { stdio: 'inherit' });
  const files = (dir) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
  // Bytes, not text: the descriptor set is binary.
  const contents = (root) => new Map(files(root).map((f) => [relative(root, f), readFileSync(f)]));
  for (const dir of ['gen', 'descriptors']) {
    const fresh = contents(join(out, dir));
    const committed = contents(dir);
    const same = (f) => fresh.has(f) && committed.has(f) && fresh.get(f).equals(committed.get(f));
    const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter((f) => !same(f));
    if (stale.length > 0) {
      console.error(`${dir}/ is stale (${stale.join(', ')}): run \`npm run generate\` and commit the result.`);
      process.exit(1);
    }
  }
  console.log('gen/ and descriptors/ match the protos.');
} finally {
  rmSync(out, { recursive: true, force: true });
}

/**
 * Starts an executor fixture process, optionally under a wrapper (`ip netns exec NS`, which
 * execs node in place so signals reach it), speaking test/helpers/child.ts's line protocol.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ChildNode, type Reply } from '../helpers/child.js';
import { defer } from '../helpers/defer.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Starts `test/fixtures/<fixture>.ts` with one JSON argument; `ready` resolves once it says so. */
export function spawnFixture(fixture: string, options: unknown, prefix: readonly string[] = []): ChildNode {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}.ts`, import.meta.url));
  const argv: string[] = [...prefix, process.execPath, '--import', 'tsx', path, JSON.stringify(options)];
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: root });
  const { promise: ready, resolve, reject } = defer();
  const node = new ChildNode(child, ready);
  child.once('exit', (code) => reject(new Error(`${fixture} exited (${code}) before it was ready: ${node.stderr}`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reply = JSON.parse(line) as Reply;
    if (reply.ready) resolve();
    else node.deliver(reply);
  });
  return node;
}

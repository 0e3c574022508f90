/**
 * One fixture process for a whole `describe` block: started (and awaited) before its tests,
 * killed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { spawnNode, type ChildNode } from './child.js';

/**
 * Starts `test/fixtures/<fixture>.ts` for the tests of the enclosing block.
 * @returns a getter for the running child, valid inside the block's tests.
 */
export function suiteChild(fixture: string): () => ChildNode {
  let child: ChildNode | undefined;
  beforeAll(async () => {
    child = spawnNode(fixture);
    await child.ready;
  }, 60_000);
  afterAll(async () => {
    await child?.kill();
  });
  return () => {
    if (child === undefined) throw new Error(`the ${fixture} fixture is not running: use suiteChild's getter inside tests only`);
    return child;
  };
}

// The memory floor of a same-host hop, in plain JavaScript under plain `node`: the writer puts a
// value into a new file of /dev/shm (tmpfs), and another process reads it into memory of its own.
// No library: what any handoff through memory pays on this machine, whatever does the rest.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { checkValue, serve, valueOf, wallMs } from './serve.mjs';

let next = 0;
const written = new Set();
process.on('exit', () => written.forEach((path) => rm(path, { force: true })));

await serve({
  /** Makes the value, then writes it to a fresh file: the timed part starts after the value exists. */
  write: async ({ size, fill }) => {
    const value = valueOf(size, fill);
    const path = `/dev/shm/proxymesh-floor-${process.pid}-${next++}`;
    const startAt = wallMs();
    await writeFile(path, value);
    written.add(path);
    return { path, startAt, ms: wallMs() - startAt };
  },
  /** Reads the file into fresh memory and checks it. */
  read: async ({ path, size, fill }) => {
    const value = await readFile(path);
    const gotAt = wallMs();
    checkValue(value, size, fill);
    await rm(path, { force: true });
    return { gotAt };
  },
});

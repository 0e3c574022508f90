/**
 * put, get, exists and evict through the command, against a real `proxymesh peer` daemon.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, peerStats, startDaemon, stderrLines, text, type Daemon } from './cli.js';

let daemon: Daemon;
let dir: string;

beforeAll(async () => {
  daemon = await startDaemon();
  dir = await mkdtemp(join(tmpdir(), 'proxymesh-cli-'));
});

afterAll(async () => {
  await daemon.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('proxymesh put / get / exists / evict', () => {
  // A file of several chunks goes in with put and comes back byte-identical with get -o.
  it('round-trips a file through the daemon', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(dir, 'in.bin');
    await writeFile(file, data);
    const put = await cli(['put', '--peer', daemon.address, file]);
    expect(put.code, put.stderr).toBe(0);
    const key = text(put);
    expect(key).toMatch(new RegExp(`^pm://${daemon.address.replace(/[.]/g, '\\.')}/[0-9a-f]{16}/[0-9a-f]{32}$`));
    const out = join(dir, 'out.bin');
    const get = await cli(['get', key, '-o', out]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.length).toBe(0);
    expect((await readFile(out)).equals(data)).toBe(true);
  });

  // stdin in and stdout out carry binary bytes unchanged, and the owner counts the object.
  it('round-trips bytes through stdin and stdout', async () => {
    const data = randomBytes(100_000);
    const before = await peerStats(daemon.address);
    const put = await cli(['put', '--peer', daemon.address, '-'], { input: data });
    expect(put.code, put.stderr).toBe(0);
    const get = await cli(['get', text(put)]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.equals(data)).toBe(true);
    const after = await peerStats(daemon.address);
    expect(after.objects).toBe(before.objects + 1);
    expect(after.bytes).toBe(before.bytes + data.length);
  });

  // PROXYMESH_PEER stands in for --peer, and --codec is accepted.
  it('takes the peer from PROXYMESH_PEER', async () => {
    const put = await cli(['put', '--codec', 'utf8'], { input: 'hello\n', env: { PROXYMESH_PEER: daemon.address } });
    expect(put.code, put.stderr).toBe(0);
    expect((await cli(['get', text(put)])).stdout.toString()).toBe('hello\n');
  });

  // exists says true (exit 0) until evict, then false (exit 3); get of the evicted key exits 3.
  it('exists, evict, and the exit codes of a missing key', async () => {
    const key = text(await cli(['put', '--peer', daemon.address], { input: 'x' }));
    const yes = await cli(['exists', key]);
    expect([yes.code, text(yes)]).toEqual([0, 'true']);
    const evict = await cli(['evict', key]);
    expect(evict.code, evict.stderr).toBe(0);
    const no = await cli(['exists', key]);
    expect([no.code, text(no), no.stderr]).toEqual([3, 'false', '']);
    const get = await cli(['get', key]);
    expect(get.code).toBe(3);
    expect(stderrLines(get)).toEqual([expect.stringContaining(key)]);
    // Evicting what is gone is not an error.
    expect((await cli(['evict', key])).code).toBe(0);
  });
});

describe('proxymesh peer --shared-memory', () => {
  // The daemon keeps its same-host directory where --shared-memory says, removes it when it stops, and keeps none with --no-shared-memory.
  it('keeps its directory where it is told, or none', async () => {
    const base = mkdtempSync(join(tmpdir(), 'proxymesh-cli-shm-'));
    try {
      const shared = await startDaemon(['--shared-memory', base]);
      const [directory] = readdirSync(base);
      expect(directory).toMatch(new RegExp(`^proxymesh-${shared.child.pid}-[0-9a-f]{16}$`));
      expect(await shared.stop()).toBe(0);
      expect(readdirSync(base)).toEqual([]);
      const streaming = await startDaemon(['--shared-memory', base, '--no-shared-memory']);
      const stats = await cli(['stats', '--peer', streaming.address]);
      expect(stats.code, stats.stderr).toBe(0);
      expect(readdirSync(base)).toEqual([]);
      expect(await streaming.stop()).toBe(0);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

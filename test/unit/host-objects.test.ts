/**
 * Host reads, file by file (src/mesh/wire/host-objects.ts, host-reads.ts): an owner's small
 * objects mirrored into its directory with a codec link, and a reader that finds them by the
 * key's incarnation and id under a base directory, and refuses everything else: no link, a
 * malformed link, a name that is not an object id, a missing base, an owner process that is gone.
 * Each case runs in a private base directory, so no peer's sweep of /dev/shm can interfere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHeldInFile } from '../../src/core/file-payload.js';
import { newObjectId } from '../../src/core/object-id.js';
import { MIRROR_MAX_BYTES, MirroredPayload, mirrored } from '../../src/mesh/wire/host-objects.js';
import { readHostObject, readHostObjectSync } from '../../src/mesh/wire/host-reads.js';

const INCARNATION = '0123456789abcdef';

/** Whether a path exists, a link included (`existsSync` follows a link to its target). */
const present = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

/** One turn of the event loop: a mirror is written right after the turn that made it. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '0']);
  if (pid === undefined) throw new Error('could not spawn a short-lived process');
  return pid;
}

describe('host objects', () => {
  let base: string;
  let directory: string;

  /** An owner's directory for `pid` under the base, as SharedDirectory names it. */
  const ownerDirectory = (pid: number, incarnation = INCARNATION): string => {
    const path = join(base, `proxymesh-${pid}-${incarnation}`);
    mkdirSync(path, { recursive: true });
    return path;
  };

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'host-objects-'));
    directory = ownerDirectory(process.pid);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('mirrors a small object with its codec link, reads it back both ways, and lets both go on release', async () => {
    const id = newObjectId();
    const kept = mirrored(directory, id, { codec: 'app/point+v1', data: Buffer.from('small value') });
    expect(kept).toBeInstanceOf(MirroredPayload);
    expect(isHeldInFile(kept)).toBe(true);
    // Not in this turn: the set that stored it answers first.
    expect(existsSync(join(directory, id))).toBe(false);
    await nextTurn();
    expect(readlinkSync(join(directory, `${id}.codec`))).toBe('=app/point+v1');

    const key = { incarnation: INCARNATION, id };
    for (const read of [readHostObjectSync(base, key), await readHostObject(base, key)]) {
      expect(read?.codec).toBe('app/point+v1');
      expect(Buffer.from(read?.data ?? []).toString()).toBe('small value');
    }

    (kept as MirroredPayload).release();
    expect(existsSync(join(directory, id))).toBe(false);
    expect(present(join(directory, `${id}.codec`))).toBe(false);
    expect(readHostObjectSync(base, key)).toBeUndefined();
  });

  it('keeps an empty codec tag, and an empty value', async () => {
    const id = newObjectId();
    mirrored(directory, id, { codec: '', data: new Uint8Array(0) });
    await nextTurn();
    expect(readHostObjectSync(base, { incarnation: INCARNATION, id })).toEqual({ codec: '', data: Buffer.alloc(0) });
  });

  it('leaves objects over the mirror bound in memory alone', () => {
    const id = newObjectId();
    const payload = { codec: 'bytes', data: new Uint8Array(MIRROR_MAX_BYTES + 1) };
    expect(mirrored(directory, id, payload)).toBe(payload);
    expect(existsSync(join(directory, id))).toBe(false);
  });

  it('leaves an object it cannot write in memory alone (its directory is gone)', async () => {
    const kept = mirrored(join(base, 'missing'), newObjectId(), { codec: 'bytes', data: Buffer.from('x') }) as MirroredPayload;
    await nextTurn();
    expect(kept.written).toBe(false);
    expect(Buffer.from(kept.data).toString()).toBe('x');
    kept.release();
  });

  it('never writes the mirror of an object released before its turn came', async () => {
    const id = newObjectId();
    const kept = mirrored(directory, id, { codec: 'bytes', data: Buffer.from('gone at once') }) as MirroredPayload;
    kept.release();
    await nextTurn();
    expect(kept.written).toBe(false);
    expect(existsSync(join(directory, id))).toBe(false);
    expect(present(join(directory, `${id}.codec`))).toBe(false);
  });

  it('finds nothing without a codec link, with a malformed link, or under a name that is not an object id', () => {
    const plain = newObjectId();
    writeFileSync(join(directory, plain), 'no link');
    expect(readHostObjectSync(base, { incarnation: INCARNATION, id: plain })).toBeUndefined();

    const odd = newObjectId();
    writeFileSync(join(directory, odd), 'odd link');
    symlinkSync('bytes', join(directory, `${odd}.codec`));
    expect(readHostObjectSync(base, { incarnation: INCARNATION, id: odd })).toBeUndefined();

    writeFileSync(join(directory, 'token'), 'secret');
    symlinkSync('=utf8', join(directory, 'token.codec'));
    expect(readHostObjectSync(base, { incarnation: INCARNATION, id: 'token' })).toBeUndefined();
    expect(readHostObjectSync(base, { incarnation: INCARNATION, id: `../${directory.slice(base.length + 1)}/token` })).toBeUndefined();
  });

  it('finds nothing of an incarnation with no directory here, or under a base that does not exist', async () => {
    const id = newObjectId();
    mirrored(directory, id, { codec: 'utf8', data: Buffer.from('here') });
    await nextTurn();
    expect(readHostObjectSync(base, { incarnation: 'fedcba9876543210', id })).toBeUndefined();
    expect(await readHostObject(join(base, 'nowhere'), { incarnation: INCARNATION, id })).toBeUndefined();
  });

  it('never reads the files of an owner whose process is gone (a crashed owner leaves them until swept)', async () => {
    const incarnation = 'aaaaaaaaaaaaaaaa';
    const id = newObjectId();
    const orphaned = ownerDirectory(deadPid(), incarnation);
    mirrored(orphaned, id, { codec: 'utf8', data: Buffer.from('orphan') });
    await nextTurn();
    expect(existsSync(join(orphaned, id))).toBe(true);
    expect(readHostObjectSync(base, { incarnation, id })).toBeUndefined();
    expect(await readHostObject(base, { incarnation, id })).toBeUndefined();
  });
});

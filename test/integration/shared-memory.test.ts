/**
 * Same-host handoff through a peer's shared-memory directory (the contract's Locate,
 * SetHeader.file and accept_file): a real peer on loopback, clients over gRPC, and the files in
 * a directory of the test's own. Each test checks what is on disk as well as what a reader gets.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentials, Client, Server, ServerCredentials, type ServiceError } from '@grpc/grpc-js';
import { OPEN } from '../../src/mesh/server/grpc-handlers.js';
import { peerDefinition, peerService } from '../../src/mesh/server/peer-service.js';
import { PeerState } from '../../src/mesh/server/peer-state.js';
import { Peer } from '../../src/index.js';
import { DataCorruptedError, KeyExistsError, KeyNotFoundError } from '../../src/errors.js';
import { ClientPool } from '../../src/mesh/client/client-pool.js';
import { formatKey, type MeshKey } from '../../src/mesh/key.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { readSharedFile } from '../../src/mesh/wire/shared-files.js';
import { spareSizes } from '../../src/mesh/wire/spare-files.js';
import { LocateResponse, SetRequest, SetResponse } from '../../gen/proxymesh/v1/peer.js';
import { patternBytes } from '../helpers/data.js';

const settings = { timeoutMs: 5_000, transferTimeoutMs: 60_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 30 };
const SIZE = 3 << 20;

let base: string;
let peer: Peer;
let pool: ClientPool;
beforeEach(async () => {
  base = mkdtempSync(join(tmpdir(), 'proxymesh-shm-'));
  peer = await Peer.start({ sharedMemory: base });
  pool = new ClientPool(settings);
});
afterEach(async () => {
  pool.close();
  await peer.close();
  rmSync(base, { recursive: true, force: true });
});

/** The peer's directory, and the object files in it (the token file left out). */
function directory(): string {
  const [name] = readdirSync(base).filter((n) => n.startsWith('proxymesh-'));
  if (name === undefined) throw new Error(`no peer directory in ${base}`);
  return join(base, name);
}
// Object files, without their codec links (`<id>.codec`, read by host reads: host-objects.ts).
const objectFiles = (): string[] => readdirSync(directory()).filter((n) => n !== 'token' && n !== 'spare' && !n.endsWith('.codec'));
const codecLinks = (): string[] => readdirSync(directory()).filter((n) => n.endsWith('.codec'));
const codecOf = (id: string): string => readlinkSync(join(directory(), `${id}.codec`));

/** A Set whose header hands over `file` as it is, on a raw client: what a careless or hostile client may send. */
function rawSetFile(key: MeshKey, capability: string, file: { name: string; size: number; crc32c?: number }, address = peer.address): Promise<ServiceError | undefined> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeClientStreamRequest(
      '/proxymesh.v1.PeerService/Set',
      (m: SetRequest) => Buffer.from(SetRequest.encode(m).finish()),
      (b: Buffer) => SetResponse.decode(b),
      (error) => {
        client.close();
        resolve(error ?? undefined);
      },
    );
    call.write({ part: { $case: 'header', value: { key, capability, payload: { $case: 'file', value: { name: file.name, codec: 'bytes', size: BigInt(file.size), crc32c: file.crc32c ?? 0 } } } } });
    call.end();
  });
}

describe('shared-memory handoff', () => {
  // Locate names a private directory with a token file holding the token it returns, and the peer's incarnation.
  it('offers a private directory that only a same-host reader can prove it sees', async () => {
    const client = new Client(peer.address, credentials.createInsecure());
    const located = await new Promise<LocateResponse>((resolve, reject) =>
      client.makeUnaryRequest('/proxymesh.v1.PeerService/Locate', () => Buffer.alloc(0), (b: Buffer) => LocateResponse.decode(b), {}, (e, r) => (r ? resolve(r) : reject(e ?? new Error('Locate answered nothing')))),
    );
    client.close();
    expect(located.directory).toBe(directory());
    expect(located.incarnation).toBe(peer.incarnation);
    expect(statSync(located.directory).mode & 0o777).toBe(0o700);
    expect(readdirSync(located.directory).sort()).toEqual(['spare', 'token']);
    expect(located.token).toMatch(/^[0-9a-f]{32}$/);
  });

  // A set of more than one piece is written once into the directory and taken over by name; readers here read the file, others get the bytes streamed.
  it('hands a large value over as a file and serves it to both kinds of reader', async () => {
    const client = pool.client(peer.address);
    const { key, capability } = await client.newKey();
    const waiting = client.await(key);
    const data = patternBytes(SIZE, 'shared set');
    await client.set(key, { codec: 'bytes', data }, { capability });
    // The file carries the key's id; the writer's own name is gone. Its link tells same-host readers its codec.
    expect(objectFiles()).toEqual([key.id]);
    expect(codecOf(key.id)).toBe('=bytes');
    expect(peer.stats()).toMatchObject({ objects: 1, bytes: SIZE });
    expect(Buffer.from((await waiting).data).equals(data)).toBe(true);
    expect(Buffer.from((await client.get(key))?.data ?? []).equals(data)).toBe(true);
    // A client that does not take files gets the bytes over the stream, checked against the writer's checksum.
    const streaming = new ClientPool({ ...settings, sharedFiles: false });
    try {
      expect(Buffer.from((await streaming.client(peer.address).get(key))?.data ?? []).equals(data)).toBe(true);
    } finally {
      streaming.close();
    }
    // A second set is refused (write-once), and the file it wrote is deleted, not left behind.
    const again = await client.set(key, { codec: 'bytes', data: patternBytes(SIZE, 'second') }, { capability }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(KeyExistsError);
    expect(objectFiles()).toEqual([key.id]);
    // Evicting takes the file out of the objects: kept as a spare for the next value written here.
    await client.evict(key);
    expect(objectFiles()).toEqual([]);
    expect(codecLinks()).toEqual([]);
    expect(spareSizes(directory())).toEqual([SIZE]);
  });

  // A large put (attached mode: this process puts into a peer of its host) is handed over as a file too, and counted like any object.
  it('hands a large put over as a file', async () => {
    const client = pool.client(peer.address);
    const data = patternBytes(SIZE, 'shared put');
    const key = await client.put({ codec: 'bytes', data });
    // Named by the new key's id, so a process of this host can read it by the key alone.
    expect(objectFiles()).toEqual([key.id]);
    expect(codecOf(key.id)).toBe('=bytes');
    expect(peer.stats()).toMatchObject({ objects: 1, bytes: SIZE });
    expect(Buffer.from((await client.get(key))?.data ?? []).equals(data)).toBe(true);
    await client.evict(key);
    expect(objectFiles()).toEqual([]);
    expect(codecLinks()).toEqual([]);
  });

  // A value of one piece still travels in one message: a file would cost more than it saves.
  it('keeps small values off the file system', async () => {
    const client = pool.client(peer.address);
    const { key, capability } = await client.newKey();
    await client.set(key, { codec: 'utf8', data: Buffer.from('small') }, { capability });
    expect(objectFiles()).toEqual([]);
    expect(Buffer.from((await client.get(key))?.data ?? []).toString()).toBe('small');
  });

  // A file cut short after it was written is refused by a same-host reader; a file changed in place is refused by a reader that gets it streamed (the writer's checksum travels with it); a file gone is a missing key. Each error names the key.
  it('refuses files changed after they were written', async () => {
    const client = pool.client(peer.address);
    const streaming = new ClientPool({ ...settings, sharedFiles: false });
    try {
      const { key, capability } = await client.newKey();
      await client.set(key, { codec: 'bytes', data: patternBytes(SIZE, 'to corrupt') }, { capability });
      const path = join(directory(), key.id);
      writeFileSync(path, patternBytes(SIZE, 'changed'));
      const streamed = await streaming.client(peer.address).get(key).catch((e: unknown) => e);
      expect(streamed).toBeInstanceOf(DataCorruptedError);
      expect((streamed as Error).message).toContain(formatKey(key));
      writeFileSync(path, patternBytes(SIZE - 1, 'cut short'));
      const cut = await client.get(key).catch((e: unknown) => e);
      expect(cut).toBeInstanceOf(DataCorruptedError);
      expect((cut as Error).message).toContain(formatKey(key));
      const file = { name: 'gone', codec: 'bytes', size: 1n, crc32c: 0 };
      const gone = await readSharedFile(directory(), file, `Key ${formatKey(key)}`).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(KeyNotFoundError);
      expect((gone as Error).message).toContain(formatKey(key));
    } finally {
      streaming.close();
    }
  });

  // A Set that names a path, the token, a missing file or the wrong size is refused with INVALID_ARGUMENT and leaves the key pending.
  it('refuses bad file handoffs and leaves the key settable', async () => {
    const client = pool.client(peer.address);
    const { key, capability } = await client.newKey();
    writeFileSync(join(directory(), 'short'), Buffer.alloc(10));
    mkdirSync(join(directory(), 'folder'));
    for (const file of [{ name: '../escape', size: 1 }, { name: 'token', size: 32 }, { name: 'missing', size: 1 }, { name: 'short', size: 11 }, { name: 'folder', size: 0 }]) {
      const error = await rawSetFile(key, capability, file);
      expect(error?.code, file.name).toBe(3);
      expect(error?.details).toContain(formatKey(key));
    }
    expect(peer.stats()).toMatchObject({ objects: 0, pendingKeys: 1 });
    const data = patternBytes(SIZE, 'after the refusals');
    await client.set(key, { codec: 'bytes', data }, { capability });
    expect(crc32c((await client.get(key))?.data ?? new Uint8Array())).toBe(crc32c(data));
  });

  // The directory goes with the peer, and a directory a dead process left is removed by the next peer to start.
  it('removes its directory on close, and directories that dead processes left', async () => {
    const mine = directory();
    const stale = join(base, 'proxymesh-999999999-0123456789abcdef');
    const live = join(base, `proxymesh-${process.ppid}-0123456789abcdef`);
    mkdirSync(stale);
    mkdirSync(live);
    const next = await Peer.start({ sharedMemory: base });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    await next.close();
    await peer.close();
    expect(existsSync(mine)).toBe(false);
    expect(readdirSync(base)).toEqual([live.slice(base.length + 1)]);
  });
});

describe('without a shared-memory directory', () => {
  // A peer started with sharedMemory: false offers none, clients stream to it, and a file handoff sent anyway is refused.
  it('streams, and refuses file handoffs', async () => {
    const plain = await Peer.start({ sharedMemory: false });
    try {
      const client = pool.client(plain.address);
      const { key, capability } = await client.newKey();
      const data = patternBytes(SIZE, 'streamed');
      await client.set(key, { codec: 'bytes', data }, { capability });
      expect(Buffer.from((await client.get(key))?.data ?? []).equals(data)).toBe(true);
      // Nothing was written anywhere for it: the client asked Locate and got no directory.
      expect(readdirSync(base).filter((n) => n.startsWith('proxymesh-'))).toEqual([directory().slice(base.length + 1)]);
      const other = await client.newKey();
      writeFileSync(join(directory(), 'elsewhere'), Buffer.alloc(4));
      const error = await rawSetFile(other.key, other.capability, { name: 'elsewhere', size: 4 }, plain.address);
      expect(error?.code).toBe(3);
      expect(error?.details).toContain('offers no shared-memory directory');
      expect(plain.stats()).toMatchObject({ objects: 1, pendingKeys: 1 });
    } finally {
      await plain.close();
    }
  });
});

describe('a peer slow to answer Locate', () => {
  // A peer whose Locate never answers costs a call a short wait, then the call streams and succeeds (waiting for the answer would hang the test).
  it('streams instead of waiting for it', async () => {
    const state = new PeerState('0123456789abcdef', { maxObjectBytes: 1 << 30, chunkBytes: 1 << 20, maxBytes: Number.POSITIVE_INFINITY, maxWaiters: Number.POSITIVE_INFINITY });
    const silent = new Server();
    const unanswered: unknown[] = [];
    silent.addService(peerDefinition(), { ...peerService(state, OPEN), locate: (call: unknown) => void unanswered.push(call) });
    const port = await new Promise<number>((resolve, reject) => silent.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    state.address = `127.0.0.1:${port}`;
    try {
      const client = pool.client(state.address);
      const data = patternBytes(SIZE, 'streamed past a silent Locate');
      const key = await client.put({ codec: 'bytes', data });
      expect(Buffer.from((await client.get(key))?.data ?? []).equals(data)).toBe(true);
      // Both calls asked, and neither waited for an answer that never came.
      expect(unanswered.length).toBeGreaterThan(0);
    } finally {
      silent.forceShutdown();
    }
  });
});

/**
 * Peers in other languages: a Python program that has only the proto (compiled at run time with
 * grpc_tools, see python/proxymesh_client.py) is a client of a TypeScript peer in this process,
 * beside a TypeScript producer and consumer.
 *
 * Needs Debian's Python with gRPC: `apt-get install -y python3-grpcio python3-grpc-tools`. The
 * `python3` on PATH may be another Python that does not see Debian's packages, so the scenarios
 * run `/usr/bin/python3`; without it every test fails saying what to install, none is skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import type { Payload } from '../../src/core/protocol.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { toMeshKey } from '../../src/mesh/key.js';
import { Peer } from '../../src/mesh/server/peer.js';
import { patternBytes, sha256 } from '../helpers/data.js';
import { EventChild } from '../helpers/events.js';
import { waitFor } from '../helpers/wait-for.js';

const PYTHON = '/usr/bin/python3';
const DEBIAN_PACKAGES = 'python3-grpcio python3-grpc-tools';
const SCENARIO = fileURLToPath(new URL('./python/scenario.py', import.meta.url));
const MiB = 1024 * 1024;

/** Why Debian's Python with gRPC cannot run here, or `undefined` when it can. Checked once. */
const pythonProblem: string | undefined = (() => {
  const probe = spawnSync(PYTHON, ['-E', '-s', '-c', 'import grpc, grpc_tools.protoc'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0) return undefined;
  const why = probe.error?.message ?? probe.stderr.trim().split('\n').at(-1) ?? `exit status ${probe.status}`;
  return `The Python interop tests need Debian's Python 3 with gRPC at ${PYTHON} (${why}). Install it: apt-get install -y ${DEBIAN_PACKAGES}`;
})();

let peer: Peer;
let connector: MeshConnector;
const children: EventChild[] = [];

beforeEach(async () => {
  peer = await Peer.start({ listen: '127.0.0.1:0' });
  connector = new MeshConnector({ peer: peer.address });
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await connector.close();
  await peer.close();
});

/**
 * Starts `scenario.py <name> <args as JSON>` under Debian's Python. `-E -s` keep environment
 * variables and user site-packages from changing which grpc it imports; `-B` writes no .pyc.
 */
function python(name: string, args: Record<string, unknown>): EventChild {
  if (pythonProblem !== undefined) throw new Error(pythonProblem);
  const child = new EventChild(spawn(PYTHON, ['-B', '-E', '-s', SCENARIO, name, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  children.push(child);
  return child;
}

/** Resolves when the scenario exits 0; otherwise fails with its stderr. */
async function finished(child: EventChild): Promise<void> {
  const code = await child.exited;
  if (code !== 0) throw new Error(`scenario.py exited with ${code}: ${child.stderr}`);
}

const digest = (payload: Payload): { codec: string; size: number; sha256: string } => ({ codec: payload.codec, size: payload.data.byteLength, sha256: sha256(payload.data) });

describe('a Python client of a TypeScript peer', () => {
  // The machine has what these tests need, or the run fails here with the apt-get line to type.
  it("finds Debian's Python 3 with grpcio and grpc_tools", () => {
    expect(pythonProblem).toBeUndefined();
  });

  // Python chunks a 5 MiB object into ≤ 1 MiB pieces (header first, trailer with a CRC-32C the peer verifies) and reads it back, and a small one whole; TypeScript reads the same bytes and codec.
  it('puts an object of several pieces and gets it back; TypeScript reads it byte-identical', async () => {
    const size = 5 * MiB + 12_345;
    const expected: Payload = { codec: 'x-python-pattern', data: patternBytes(size, 'from python') };
    const py = python('roundtrip', { peer: peer.address, size, seed: 'from python', codec: expected.codec });

    const put = await py.until('put');
    expect(put).toMatchObject({ first: 'header', last: 'trailer' });
    const pieces = put.pieces as number[];
    expect(pieces.length).toBe(6);
    expect(Math.max(...pieces)).toBeLessThanOrEqual(MiB);
    expect(pieces.reduce((a, b) => a + b, 0)).toBe(size);
    expect(await py.until('got')).toMatchObject({ identical: true, ...digest(expected) });
    // A small object goes both ways as one WholeObject message, and comes back identical.
    expect((await py.until('small')).identical).toBe(true);
    // A key the peer never issued: the status code a foreign client sees is NOT_FOUND.
    expect((await py.until('missing')).code).toBe('NOT_FOUND');
    await finished(py);

    const key = toMeshKey(put.key);
    expect(key.peer).toBe(peer.address);
    const read = await connector.get(key);
    expect(read?.codec).toBe(expected.codec);
    expect(Buffer.compare(Buffer.from(read?.data ?? []), expected.data)).toBe(0);
  });

  // What TypeScript puts (a 2 MiB JSON document, several pieces) Python reads with its codec tag and decodes as JSON.
  it('gets what TypeScript put, with its codec tag', async () => {
    const document = { answer: 42, text: 'naïve café ☕ '.repeat(150_000) };
    const payload: Payload = { codec: 'json', data: Buffer.from(JSON.stringify(document)) };
    expect(payload.data.byteLength).toBeGreaterThan(2 * MiB);
    const key = await connector.put(payload);

    const py = python('get', { key });
    const got = await py.until('got');
    expect(got).toMatchObject({ ...digest(payload), crc32c: crc32c(payload.data) });
    expect(got.decoded).toEqual(document);
    await finished(py);
  });

  // Python's Await is registered at the peer before the TypeScript producer sets the key, and receives exactly the bytes set.
  it('awaits a deferred key it created while a TypeScript producer sets it', async () => {
    const py = python('await', { peer: peer.address });
    const made = await py.until('key');
    const key = toMeshKey(made.key);
    expect(key.peer).toBe(peer.address);
    expect(peer.stats().pendingKeys).toBe(1);

    await waitFor(() => peer.stats().waiters === 1, "Python's Await is registered at the peer");
    expect(py.has('value')).toBe(false);
    const text = 'pushed to Python — ünïcödé\n'.repeat(60_000);
    const value: Payload = { codec: 'utf8', data: Buffer.from(text) };
    await connector.set(key, value, { capability: made.capability as string });

    expect(await py.until('value')).toMatchObject({ ...digest(value), chars: text.length, crc32c: crc32c(value.data) });
    await finished(py);
    expect(peer.stats()).toMatchObject({ pendingKeys: 0, waiters: 0, objects: 1 });
  });

  // A TypeScript consumer waiting on a key receives what Python sets; Python's second set is ALREADY_EXISTS and the first value stays.
  it('sets a key that a TypeScript consumer awaits; a second set is ALREADY_EXISTS', async () => {
    const key = await connector.newKey();
    const capability = connector.capabilityFor(key);
    const consumer = connector.awaitKey(key, { timeoutMs: 30_000 });
    await waitFor(() => peer.stats().waiters === 1, 'the TypeScript consumer waits on the key');

    const size = 3 * MiB + 7;
    const expected: Payload = { codec: 'bytes', data: patternBytes(size, 'set by python') };
    const py = python('set', { key, capability, size, seed: 'set by python', codec: expected.codec });

    const value = await consumer;
    expect(digest(value)).toEqual(digest(expected));
    expect(Buffer.compare(Buffer.from(value.data), expected.data)).toBe(0);
    expect((await py.until('second-set')).code).toBe('ALREADY_EXISTS');
    await finished(py);
    expect(digest((await connector.get(key)) ?? { codec: '', data: new Uint8Array() })).toEqual(digest(expected));
  });
});

/**
 * The fuzz test's gRPC inputs. Each case draws from its own seeded generator (seed and case
 * index), makes one or a few calls to the peer and records how each ended. Semantic cases
 * (well-formed protobuf that breaks the contract's rules) say which status the contract
 * prescribes; random and mutated bytes must only end with some status.
 */
import { status } from '@grpc/grpc-js';
import { AwaitResponse, NewKeyResponse, PutBatchRequest, PutBatchResponse, PutResponse, type Key } from '../../gen/proxymesh/v1/peer.js';
import { MAX_CHUNK_BYTES } from '../../src/mesh/wire/chunks.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import type { Prng } from '../../scripts/lib/prng.js';
import { CLIENT_STREAMING, RPCS, SERVER_STREAMING, type Outcome, type RawPeerClient, type Rpc, type StreamEnd } from './raw-client.js';
import { Proto, keyRequest, objectHeader, part, type WireKey } from './wire.js';
import { topicCall } from './topic-cases.js';

/** Deadline of every call that is not meant to run into its deadline: far above any honest answer. */
export const CALL_DEADLINE_MS = 10_000;
/** The peers' gRPC message limit (channel-options.ts): a 4 MiB piece plus framing. */
const MESSAGE_LIMIT = MAX_CHUNK_BYTES + 64 * 1024;

/** What the contract prescribes for a call. */
export interface Expect {
  readonly codes: readonly status[];
  /** What the status message must say. */
  readonly details?: RegExp | undefined;
  /** The message comes from proxymesh (not grpc-js): a sentence that names the peer. */
  readonly fromPeer: boolean;
}

/** One call and how it ended. */
export interface CallRecord {
  readonly index: number;
  readonly kind: string;
  readonly rpc: Rpc;
  readonly messages: number;
  readonly outcome: Outcome;
  /** Absent for random input, which must only end with a status (not a hang or a crash). */
  readonly expect?: Expect | undefined;
}

/** The peer under test. */
export interface Target {
  readonly client: RawPeerClient;
  readonly address: string;
  readonly incarnation: string;
  /** A stored object that no case evicts. */
  readonly stored: Key;
}

export const peerSays = (code: status, details: RegExp): Expect => ({ codes: [code], details, fromPeer: true });
export const grpcSays = (code: status, details?: RegExp): Expect => ({ codes: [code], details, fromPeer: false });
const ok: Expect = { codes: [status.OK], fromPeer: false };

/** Records of a run: every call, the keys it created, and checks that failed inside cases. */
export class Barrage {
  readonly records: CallRecord[] = [];
  readonly created: Key[] = [];
  readonly failures: string[] = [];
  callsStarted = 0;

  constructor(
    readonly target: Target,
    readonly seed: number,
  ) {}

  /** Messages sent in all calls. */
  get messages(): number {
    return this.records.reduce((n, r) => n + r.messages, 0);
  }

  #record(index: number, kind: string, rpc: Rpc, messages: number, outcome: Outcome, expect: Expect | undefined): Outcome {
    this.records.push({ index, kind, rpc, messages, outcome, expect });
    // Whatever a call created, by design or by chance, is evicted at the end.
    const response = outcome.responses[0];
    if (outcome.code === status.OK && response !== undefined) {
      const key = rpc === 'Put' ? PutResponse.decode(response).key : rpc === 'NewKey' ? NewKeyResponse.decode(response).key : undefined;
      if (key !== undefined) this.created.push(key);
      if (rpc === 'PutBatch') this.created.push(...PutBatchResponse.decode(response).keys);
    }
    return outcome;
  }

  /** The calls of case `index`, recorded as they end. */
  scope(index: number): Scope {
    const { client } = this.target;
    const start = (): void => void this.callsStarted++;
    return {
      unary: async (kind, rpc, message, expect) => {
        start();
        return this.#record(index, kind, rpc, 1, await client.unary(rpc, message, CALL_DEADLINE_MS), expect);
      },
      serverStream: async (kind, rpc, message, expect, options = {}) => {
        start();
        return this.#record(index, kind, rpc, 1, await client.serverStream(rpc, message, options.deadlineMs ?? CALL_DEADLINE_MS, options.cancelAfterMs), expect);
      },
      clientStream: async (kind, rpc, messages, expect, options = {}) => {
        start();
        const outcome = await client.clientStream(rpc, messages, options.deadlineMs ?? CALL_DEADLINE_MS, options.end ?? 'end');
        return this.#record(index, kind, rpc, messages.length, outcome, expect);
      },
      fail: (message) => void this.failures.push(`case ${index}: ${message}`),
    };
  }
}

/** The calls one case may make. */
export interface Scope {
  unary(kind: string, rpc: Rpc, message: Buffer, expect?: Expect): Promise<Outcome>;
  serverStream(kind: string, rpc: Rpc, message: Buffer, expect?: Expect, options?: { deadlineMs?: number; cancelAfterMs?: number }): Promise<Outcome>;
  clientStream(kind: string, rpc: Rpc, messages: readonly Buffer[], expect?: Expect, options?: { deadlineMs?: number; end?: StreamEnd }): Promise<Outcome>;
  fail(message: string): void;
}

// ---------------------------------------------------------------------------------------------
// Random bytes and random protobuf

/** Random protobuf: fields of any number and wire type (some invalid), nested, lengths that may lie. */
function randomProto(rng: Prng, depth = 0): Buffer {
  const p = new Proto();
  const fields = rng.int(0, 6);
  for (let i = 0; i < fields; i++) {
    const field = rng.chance(0.85) ? rng.int(1, 3) : rng.int(1, 2 ** 29 - 1);
    const wireType = rng.chance(0.9) ? rng.pick([0, 1, 2, 5]) : rng.pick([3, 4, 6, 7]);
    switch (wireType) {
      case 0:
        p.int(field, rng.pick([0n, 1n, -1n, 2n ** 63n, 2n ** 64n - 1n, BigInt(rng.int(0, 2 ** 31)), BigInt(rng.int(0, 2 ** 31)) * 2n ** 32n]));
        break;
      case 1:
        p.rawField(field, 1, rng.bytes(8));
        break;
      case 5:
        p.rawField(field, 5, rng.bytes(4));
        break;
      case 2: {
        const body = depth < 3 && rng.chance(0.5) ? randomProto(rng, depth + 1) : rng.chance(0.5) ? Buffer.from(rng.hex(rng.int(0, 40))) : rng.bytes(rng.length(2048));
        if (rng.chance(0.1)) p.lyingBytes(field, rng.pick([body.byteLength + rng.int(1, 100), 2 ** 31, 2 ** 64 - 1]), body);
        else p.bytes(field, body);
        break;
      }
      default:
        p.rawField(field, wireType, rng.bytes(rng.int(0, 16)));
    }
  }
  return p.finish();
}

/** One random message: plain random bytes or random protobuf. */
function randomMessage(rng: Prng): Buffer {
  return rng.chance(0.5) ? rng.bytes(rng.length(8192)) : randomProto(rng);
}

async function randomCall(rng: Prng, s: Scope): Promise<void> {
  const rpc = rng.pick(RPCS);
  const kind = 'random bytes';
  if (CLIENT_STREAMING.includes(rpc)) {
    await s.clientStream(kind, rpc, Array.from({ length: rng.int(0, 8) }, () => randomMessage(rng)));
  } else if (SERVER_STREAMING.includes(rpc)) {
    // A Subscribe that decodes follows its topic until cancelled: cancel it as a client that leaves.
    await s.serverStream(kind, rpc, randomMessage(rng), undefined, rpc === 'Subscribe' ? { cancelAfterMs: rng.int(0, 50) } : {});
  } else {
    await s.unary(kind, rpc, randomMessage(rng));
  }
}

/** A valid message with a few bytes flipped, cut off, inserted or appended. */
function mutate(rng: Prng, message: Buffer): Buffer {
  let out = Buffer.from(message);
  for (let i = rng.int(1, 3); i > 0; i--) {
    const at = rng.int(0, Math.max(0, out.byteLength - 1));
    switch (rng.int(0, 4)) {
      case 0:
        if (out.byteLength > 0) out[at] = (out[at] ?? 0) ^ (1 << rng.int(0, 7));
        break;
      case 1:
        out = out.subarray(0, at);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), rng.bytes(rng.int(1, 8)), out.subarray(at)]);
        break;
      case 3:
        out = Buffer.concat([out, rng.bytes(rng.int(1, 32))]);
        break;
      default:
        if (out.byteLength > 0) out[at] = rng.int(0, 255);
    }
  }
  return out;
}

async function mutatedCall(rng: Prng, s: Scope, t: Target): Promise<void> {
  const kind = 'mutated valid message';
  const unknown = { ...t.stored, id: rng.hex(32) };
  const data = rng.bytes(rng.int(0, 200));
  const put = [part.putHeader('bytes', data.byteLength), part.data(data), part.trailer(crc32c(data))];
  const set = [part.setHeader(unknown, objectHeader('bytes', data.byteLength), rng.hex(22)), part.data(data), part.trailer(0)];
  const mutateOne = (messages: Buffer[]): Buffer[] => {
    const i = rng.int(0, messages.length - 1);
    return messages.map((m, j) => (j === i ? mutate(rng, m) : m));
  };
  const putBatch = [PutBatchRequest.encode({ parts: [{ part: { $case: 'whole', value: { codec: 'bytes', data, crc32c: crc32c(data) } } }, { part: { $case: 'header', value: { codec: 'bytes', size: 0n } } }] }).finish()];
  switch (rng.int(0, 8)) {
    case 0:
      return void (await s.clientStream(kind, 'Put', mutateOne(put)));
    case 6:
      return void (await s.clientStream(kind, 'PutBatch', mutateOne(putBatch.map((m) => Buffer.from(m)))));
    case 7:
      // A GetBatchRequest of one key is the same bytes as a GetRequest.
      return void (await s.serverStream(kind, 'GetBatch', mutate(rng, keyRequest(rng.chance(0.5) ? t.stored : unknown))));
    case 1:
      // Replace takes a Set's messages.
      return void (await s.clientStream(kind, rng.pick(['Set', 'Replace'] as const), mutateOne(set)));
    case 2:
      return void (await s.serverStream(kind, 'Get', mutate(rng, keyRequest(rng.chance(0.5) ? t.stored : unknown))));
    case 3:
      return void (await s.serverStream(kind, 'Await', mutate(rng, keyRequest(rng.chance(0.5) ? t.stored : unknown))));
    case 4:
      return void (await s.unary(kind, 'Exists', mutate(rng, keyRequest(rng.chance(0.5) ? t.stored : unknown))));
    case 5:
      // Never the stored key: a mutation that leaves it intact would evict it (or give it a time to live).
      return void (await s.unary(kind, rng.pick(['Evict', 'Expire'] as const), mutate(rng, keyRequest(unknown))));
    default:
      return void (await s.unary(kind, rng.pick(['NewKey', 'Stats', 'Locate'] as const), mutate(rng, rng.bytes(rng.int(0, 16)))));
  }
}

// ---------------------------------------------------------------------------------------------
// Well-formed messages with bad keys

const BAD_HEX: readonly ((rng: Prng, length: number) => string | Buffer)[] = [
  () => '',
  (rng, n) => rng.hex(n - 1),
  (rng, n) => rng.hex(n + 1),
  (rng, n) => 'G' + rng.hex(n - 1),
  (rng, n) => rng.hex(n - 1).toUpperCase() + 'F',
  (rng, n) => rng.hex(n - 1) + '\0',
  (rng, n) => 'é'.repeat(n),
  (rng, n) => ' ' + rng.hex(n - 1),
  (rng, n) => rng.bytes(n),
  (rng) => rng.hex(rng.int(100, 2000)),
];

const BAD_PEERS: readonly ((rng: Prng) => string | Buffer)[] = [
  () => '',
  () => 'no-port',
  () => 'host:',
  () => ':7001',
  () => 'host:99999',
  () => 'host:-1',
  () => '[::1',
  () => '[zz]:1',
  () => '::1:7001',
  () => 'a b:1',
  () => 'h'.repeat(255) + ':1',
  (rng) => rng.bytes(rng.int(1, 64)),
  (rng) => 'x'.repeat(rng.int(300, 4000)) + ':1:',
];

/** A key with exactly one malformed field. */
function malformedKey(rng: Prng, t: Target): WireKey {
  const valid = { peer: t.address, incarnation: t.incarnation, id: rng.hex(32) };
  switch (rng.int(0, 2)) {
    case 0:
      return { ...valid, peer: rng.pick(BAD_PEERS)(rng) };
    case 1:
      return { ...valid, incarnation: rng.pick(BAD_HEX)(rng, 16) };
    default:
      return { ...valid, id: rng.pick(BAD_HEX)(rng, 32) };
  }
}

/** An incarnation that is not the peer's. */
function otherIncarnation(rng: Prng, t: Target): string {
  const other = rng.hex(16);
  return other === t.incarnation ? other.replace(/^./, (c) => (c === '0' ? '1' : '0')) : other;
}

type KeyVariant = 'missing' | 'malformed' | 'other incarnation' | 'unknown id' | 'stored';

async function badKeyCall(rng: Prng, s: Scope, t: Target): Promise<void> {
  const variant = rng.pick<KeyVariant>(['missing', 'malformed', 'malformed', 'other incarnation', 'unknown id', 'stored']);
  const rpc = rng.pick(['Get', 'Exists', 'Evict', 'Await', 'Set'] as const);
  if (variant === 'stored' && rpc === 'Evict') return;
  const key: WireKey | undefined =
    variant === 'missing'
      ? undefined
      : variant === 'malformed'
        ? malformedKey(rng, t)
        : variant === 'other incarnation'
          ? { peer: t.address, incarnation: otherIncarnation(rng, t), id: rng.hex(32) }
          : variant === 'unknown id'
            ? { peer: t.address, incarnation: t.incarnation, id: rng.hex(32) }
            : t.stored;
  const expect: Expect =
    variant === 'missing'
      ? peerSays(status.INVALID_ARGUMENT, /carries no key/)
      : variant === 'malformed'
        ? peerSays(status.INVALID_ARGUMENT, /^Invalid mesh key .*\(sent to peer /s)
        : variant === 'other incarnation'
          ? peerSays(status.DATA_LOSS, /is lost: the owner restarted/)
          : variant === 'unknown id'
            ? { Get: peerSays(status.NOT_FOUND, /does not exist on peer/), Await: peerSays(status.NOT_FOUND, /does not exist/), Set: peerSays(status.NOT_FOUND, /never created with newKey/), Exists: ok, Evict: ok }[rpc]
            : { Get: ok, Await: ok, Exists: ok, Set: peerSays(status.ALREADY_EXISTS, /already set/), Evict: ok }[rpc];
  const kind = `key: ${variant}`;
  if (rpc === 'Set') {
    const data = rng.bytes(rng.int(1, 64));
    await s.clientStream(kind, rpc, [part.setHeader(key, objectHeader('bytes', data.byteLength), rng.hex(22)), part.data(data)], expect);
  } else if (rpc === 'Get' || rpc === 'Await') {
    await s.serverStream(kind, rpc, keyRequest(key), expect);
  } else {
    await s.unary(kind, rpc, keyRequest(key), expect);
  }
}

// ---------------------------------------------------------------------------------------------
// Well-formed Put and Set streams that break the object stream's rules

const HUGE_SIZES: readonly bigint[] = [2n ** 32n + 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, -1n, -(2n ** 40n)];

const BAD_CODECS: readonly ((rng: Prng) => string)[] = [
  () => '',
  () => 'c'.repeat(65),
  () => 'é'.repeat(33),
  (rng) => 'x'.repeat(rng.int(65, 200_000)),
];

/** The payload and the stream a case breaks, as header-maker plus data. */
interface StreamPlan {
  /** The messages, and the status the contract prescribes for them. */
  readonly messages: Buffer[];
  readonly expect: Expect;
  readonly end?: StreamEnd;
  readonly deadlineMs?: number;
  readonly name: string;
}

/** A broken object stream after `header(codec, size)`: out of order, truncated, oversized, corrupted. */
function brokenStream(rng: Prng, header: (codec: string, size: bigint | number) => Buffer, what: RegExp): StreamPlan {
  const data = rng.bytes(rng.int(1, 3000));
  const size = data.byteLength;
  const good = header('bytes', size);
  const pieces = (d: Buffer): Buffer[] => {
    const out: Buffer[] = [];
    for (let at = 0; at < d.byteLength; ) {
      const n = rng.int(1, Math.max(1, d.byteLength - at));
      out.push(part.data(d.subarray(at, at + n)));
      at += n;
    }
    return out;
  };
  const invalid = (name: string, messages: Buffer[], details: RegExp): StreamPlan => ({ name, messages, expect: peerSays(status.INVALID_ARGUMENT, details) });
  const plans: (() => StreamPlan)[] = [
    () => invalid('data before the header', [part.data(data), good], what),
    () => invalid('only a trailer', [part.trailer(crc32c(data))], what),
    () => invalid('an empty stream', [], what),
    () => invalid('more data than the header says', [good, ...pieces(Buffer.concat([data, rng.bytes(rng.int(1, 100))]))], /more data arrived than the \d+ bytes/),
    () => invalid('less data than the header says', [good, ...pieces(data.subarray(0, rng.int(0, size - 1)))], /ended after \d+ of \d+ bytes.*truncated/),
    () => invalid('two headers', [good, good, ...pieces(data)], /second header/),
    () => invalid('data after the trailer', [good, ...pieces(data), part.trailer(0), part.data(rng.bytes(1))], /nothing may follow the trailer/),
    () => invalid('two trailers', [good, ...pieces(data), part.trailer(0), part.trailer(0)], /nothing may follow the trailer/),
    () => invalid('a header after the data', [good, ...pieces(data), good], /second header/),
    () => invalid('a bad codec tag', [header(rng.pick(BAD_CODECS)(rng), size), ...pieces(data)], /codec tag .* must be 1 to 64 bytes/),
    () => invalid('a wrong checksum', [good, ...pieces(data), part.trailer((crc32c(data) ^ (1 << rng.int(0, 31))) >>> 0)], /checksum does not match.*corrupted/),
    () => invalid('a 64-bit checksum', [good, ...pieces(data), new Proto().bytes(3, new Proto().int(1, (2n ** 40n) | BigInt(crc32c(data) ^ 1))).finish()], /checksum does not match/),
    () => invalid('a huge size, truncated', [header('bytes', rng.int(2 ** 20, 2 ** 32)), ...pieces(data)], /ended after \d+ of \d+ bytes.*truncated/),
    () => ({
      name: 'a size over every limit',
      messages: [header('bytes', rng.pick(HUGE_SIZES)), ...pieces(data)],
      expect: peerSays(status.RESOURCE_EXHAUSTED, /bytes, over the limit of \d+ bytes \(maximum object size\)/),
    }),
    () => ({ name: 'cancelled mid-stream', messages: [header('bytes', rng.int(size + 1, 2 ** 30)), ...pieces(data)], end: 'cancel', expect: grpcSays(status.CANCELLED) }),
    () => ({
      name: 'left open until the deadline',
      messages: [header('bytes', rng.int(size + 1, 2 ** 30)), ...pieces(data)],
      end: 'open',
      deadlineMs: rng.int(100, 400),
      expect: grpcSays(status.DEADLINE_EXCEEDED),
    }),
  ];
  if (rng.chance(0.002)) {
    // One gRPC message over the peers' limit: grpc-js refuses it before proxymesh sees it.
    return { name: 'a message over the size limit', messages: [good, part.data(Buffer.alloc(MESSAGE_LIMIT + 1))], expect: grpcSays(status.RESOURCE_EXHAUSTED, /larger than max/) };
  }
  return rng.pick(plans)();
}

async function badPut(rng: Prng, s: Scope): Promise<void> {
  if (rng.chance(0.1)) {
    // Valid edge cases a careless peer gets wrong: empty objects, many tiny pieces, no trailer, unknown fields.
    const data = rng.bytes(rng.pick([0, 1, rng.int(2, 300)]));
    const pieces = Array.from({ length: data.byteLength }, (_, i) => part.data(data.subarray(i, i + 1)));
    const header = rng.chance(0.5) ? part.putHeader('bytes', data.byteLength) : new Proto().bytes(1, objectHeader('bytes', data.byteLength).int(99, 7).bytes(100, 'extra')).finish();
    const messages = [header, ...pieces, ...(rng.chance(0.5) ? [part.trailer(crc32c(data))] : [])];
    const outcome = await s.clientStream('valid edge case', 'Put', messages, ok);
    if (outcome.code === status.OK && outcome.responses.length !== 1) s.fail('a successful Put returned no key');
    return;
  }
  const plan = brokenStream(rng, (codec, size) => part.putHeader(codec, size), /must start with a header/);
  await s.clientStream(`put: ${plan.name}`, 'Put', plan.messages, plan.expect, { ...(plan.end ? { end: plan.end } : {}), ...(plan.deadlineMs ? { deadlineMs: plan.deadlineMs } : {}) });
}

/** A deferred key of this case, and the capability to set it. */
async function newKey(s: Scope, kind: string): Promise<{ key: Key; capability: string } | undefined> {
  const outcome = await s.unary(kind, 'NewKey', Buffer.alloc(0), ok);
  const response = outcome.responses[0];
  if (outcome.code !== status.OK || response === undefined) return undefined;
  const { key, capability } = NewKeyResponse.decode(response);
  return key === undefined ? undefined : { key, capability };
}

/** The value an Await stream carried, checked to be one whole object, or header, data pieces and trailer. */
function awaited(outcome: Outcome): Buffer | string {
  const parts = outcome.responses.map((r) => AwaitResponse.decode(r).part);
  const [first, ...others] = parts;
  if (first?.$case === 'whole') {
    if (others.length > 0) return `a whole object had company: ${parts.map((p) => p?.$case).join(',')}`;
    const { data, crc32c: crc } = first.value;
    return crc !== 0 && crc !== crc32c(data) ? 'the whole object checksum does not match the data' : data;
  }
  const header = parts[0];
  const trailer = parts.at(-1);
  if (header?.$case !== 'header' || trailer?.$case !== 'trailer') return `the stream was not header … trailer: ${parts.map((p) => p?.$case).join(',')}`;
  const data = Buffer.concat(parts.slice(1, -1).map((p) => (p?.$case === 'data' ? p.value : Buffer.alloc(0))));
  if (BigInt(data.byteLength) !== header.value.size) return `the header said ${header.value.size} bytes, the data had ${data.byteLength}`;
  if (trailer.value.crc32c !== 0 && trailer.value.crc32c !== crc32c(data)) return 'the trailer checksum does not match the data';
  return data;
}

async function badSet(rng: Prng, s: Scope): Promise<void> {
  const made = await newKey(s, 'set: NewKey');
  if (!made) return s.fail('NewKey failed');
  const { key, capability } = made;
  const data = rng.bytes(rng.int(1, 2000));
  const header = (codec: string, size: bigint | number, cap = capability): Buffer => part.setHeader(key, objectHeader(codec, size), cap);
  const wrong = rng.hex(22);
  const denied: StreamPlan[] = [
    { name: 'a wrong capability', messages: [header('bytes', data.byteLength, wrong), part.data(data)], expect: peerSays(status.PERMISSION_DENIED, /capability is wrong/) },
    { name: 'no capability', messages: [header('bytes', data.byteLength, ''), part.data(data)], expect: peerSays(status.PERMISSION_DENIED, /capability is missing/) },
    { name: 'a huge capability', messages: [header('bytes', data.byteLength, 'c'.repeat(rng.int(100, 100_000))), part.data(data)], expect: peerSays(status.PERMISSION_DENIED, /capability is wrong/) },
    {
      // Same-host handoff by name: never a path, the token, a file that is not there, nor data after it.
      name: 'a file handoff naming no file of the directory',
      messages: [part.setFileHeader(key, rng.pick(['../../etc/passwd', 'token', '', 'x'.repeat(200), rng.hex(32), Buffer.from([0xff, 0xfe])]), data.byteLength, capability)],
      expect: peerSays(status.INVALID_ARGUMENT, /file name|cannot be taken over|UTF-8|codec/),
    },
    {
      name: 'a header without the object',
      messages: [part.setHeader(key, undefined, capability), part.data(data)],
      expect: peerSays(status.INVALID_ARGUMENT, /must start with a header naming the key, codec and size/),
    },
  ];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const plan = rng.chance(0.3) ? rng.pick(denied) : brokenStream(rng, (codec, size) => header(codec, size), /must start with a header naming the key/);
    await s.clientStream(`set: ${plan.name}`, 'Set', plan.messages, plan.expect, { ...(plan.end ? { end: plan.end } : {}), ...(plan.deadlineMs ? { deadlineMs: plan.deadlineMs } : {}) });
  }
  // Every refused Set left the key pending: the right one still succeeds, once.
  if (rng.chance(0.7)) {
    const valid = [header('bytes', data.byteLength), part.data(data), part.trailer(crc32c(data))];
    const waiter = rng.chance(0.5) ? s.serverStream('set: Await meanwhile', 'Await', keyRequest(key), ok) : undefined;
    await s.clientStream('set: the valid Set after refusals', 'Set', valid, ok);
    await s.clientStream('set: a second Set', 'Set', valid, peerSays(status.ALREADY_EXISTS, /already set, and keys are write-once/));
    const value = waiter ? awaited(await waiter) : data;
    if (typeof value === 'string') s.fail(`Await after a valid Set: ${value}`);
    else if (!value.equals(data)) s.fail('Await received other bytes than the Set sent');
  }
  await s.unary('set: evict', 'Evict', keyRequest(key), ok);
}

async function waits(rng: Prng, s: Scope): Promise<void> {
  const made = await newKey(s, 'await: NewKey');
  if (!made) return s.fail('NewKey failed');
  const { key, capability } = made;
  const request = keyRequest(key);
  switch (rng.int(0, 3)) {
    case 0:
      // A waiter that gives up at its deadline must leave no state behind.
      await s.serverStream('await: until its deadline', 'Await', request, grpcSays(status.DEADLINE_EXCEEDED), { deadlineMs: rng.int(50, 400) });
      break;
    case 1:
      await s.serverStream('await: cancelled', 'Await', request, grpcSays(status.CANCELLED), { cancelAfterMs: rng.int(0, 100) });
      break;
    case 2: {
      // Evicted while (or before) it waits: NOT_FOUND either way.
      const waiting = Array.from({ length: rng.int(1, 4) }, () => s.serverStream('await: evicted', 'Await', request, peerSays(status.NOT_FOUND, /evicted|does not exist/)));
      await s.unary('await: evict', 'Evict', request, ok);
      await Promise.all(waiting);
      return;
    }
    default: {
      const data = rng.bytes(rng.int(0, 5000));
      const waiting = Array.from({ length: rng.int(1, 4) }, () => s.serverStream('await: set', 'Await', request, ok));
      await s.clientStream('await: set', 'Set', [part.setHeader(key, objectHeader('bytes', data.byteLength), capability), part.data(data), part.trailer(crc32c(data))], ok);
      for (const outcome of await Promise.all(waiting)) {
        const value = awaited(outcome);
        if (outcome.code !== status.OK) continue;
        if (typeof value === 'string') s.fail(`Await: ${value}`);
        else if (!value.equals(data)) s.fail('Await received other bytes than the Set sent');
      }
    }
  }
  await s.unary('await: evict', 'Evict', request, ok);
}

/** Runs case `index`: its kind and every input come from `rng`. */
export async function runCase(rng: Prng, s: Scope, t: Target): Promise<void> {
  const r = rng.next();
  if (r < 0.3) return randomCall(rng, s);
  if (r < 0.45) return mutatedCall(rng, s, t);
  if (r < 0.65) return badKeyCall(rng, s, t);
  if (r < 0.82) return badPut(rng, s);
  if (r < 0.91) return badSet(rng, s);
  if (r < 0.96) return topicCall(rng, s);
  return waits(rng, s);
}

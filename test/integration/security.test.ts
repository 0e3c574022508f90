/**
 * Who may talk to a peer, and how much it takes: tokens, TLS and mutual TLS, the insecure-bind
 * warning, and the limits that refuse a request without touching what is stored.
 */
import { createChannel, createClient } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LimitExceededError, MeshConnector, Peer, PeerUnavailableError, PermissionDeniedError, type Payload } from '../../src/index.js';
import { removeLocalPeer } from '../../src/mesh/server/local-peers.js';
import { makeCertificates, type TestCertificates } from '../helpers/certificates.js';
import { waitFor } from '../helpers/wait-for.js';

const utf8 = (text: string): Payload => ({ codec: 'utf8', data: Buffer.from(text) });
const text = (p: Payload | undefined): string | undefined => (p ? Buffer.from(p.data).toString() : undefined);

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close()));
});

/** A peer reached only over gRPC: unregistered from this process's in-memory shortcut. */
async function remotePeer(options: Parameters<typeof Peer.start>[0]): Promise<Peer> {
  const peer = await Peer.start(options);
  removeLocalPeer(peer.incarnation);
  closing.push(peer);
  return peer;
}

function connector(options: ConstructorParameters<typeof MeshConnector>[0]): MeshConnector {
  const c = new MeshConnector(options);
  closing.push(c);
  return c;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );
}

describe('token authentication', () => {
  // Calls without the token, or with a wrong one, are refused; with it they work; health stays open.
  it('refuses calls without the peer’s token and accepts the right one', async () => {
    const peer = await remotePeer({ token: 's3cret' });
    const none = await failure(connector({ peer: peer.address }).put(utf8('x')));
    expect(none).toBeInstanceOf(PermissionDeniedError);
    expect(none.message).toContain('requires a token');
    expect(none.message).toContain(peer.address);
    expect(await failure(connector({ peer: peer.address, token: 'wrong' }).put(utf8('x')))).toBeInstanceOf(PermissionDeniedError);
    expect(peer.stats().objects).toBe(0);

    const allowed = connector({ peer: peer.address, token: 's3cret' });
    const key = await allowed.put(utf8('inside'));
    expect(text(await allowed.get(key))).toBe('inside');
    // Small gets and awaits, which the peer answers on its fast path, are refused the same way.
    expect(await failure(connector({ peer: peer.address }).get(key))).toBeInstanceOf(PermissionDeniedError);
    expect(await failure(connector({ peer: peer.address, token: 'wrong' }).awaitKey(key))).toBeInstanceOf(PermissionDeniedError);

    const health = createClient(HealthDefinition, createChannel(peer.address));
    expect((await health.check({ service: '' })).status).toBe(1); // SERVING, no token needed
  });

  // The token never travels inside a connector config (and so never inside a proxy).
  it('leaves the token out of config()', () => {
    const c = connector({ peer: '127.0.0.1:1', token: 's3cret' });
    expect(JSON.stringify(c.config())).not.toContain('s3cret');
  });
});

describe('TLS', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeCertificates();
  });
  afterAll(() => certs.remove());

  // A TLS peer serves clients that trust its CA, and refuses plaintext clients.
  it('serves over TLS to clients that trust its CA', async () => {
    const peer = await remotePeer({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    const client = connector({ peer: peer.address, tls: { ca: certs.ca } });
    const key = await client.put(utf8('encrypted'));
    expect(text(await client.get(key))).toBe('encrypted');
    expect(await failure(connector({ peer: peer.address, timeoutMs: 3_000 }).put(utf8('plain')))).toBeInstanceOf(PeerUnavailableError);
  });

  // With a CA, the peer requires a client certificate signed by it (mutual TLS).
  it('requires client certificates under mutual TLS', async () => {
    const peer = await remotePeer({ tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca } });
    const anonymous = await failure(connector({ peer: peer.address, tls: { ca: certs.ca }, timeoutMs: 3_000 }).put(utf8('who?')));
    expect(anonymous).toBeInstanceOf(PeerUnavailableError);
    const client = connector({ peer: peer.address, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    const key = await client.put(utf8('mutual'));
    expect(text(await client.get(key))).toBe('mutual');
  });

  // Unreadable TLS files are a clear error naming the file, before anything listens.
  it('names a missing TLS file', async () => {
    const error = await failure(Peer.start({ tls: { cert: '/nonexistent/cert.pem', key: certs.serverKey } }));
    expect(error.name).toBe('InvalidArgumentError');
    expect(error.message).toContain('/nonexistent/cert.pem');
  });
});

describe('insecure binds', () => {
  // Listening beyond loopback with neither TLS nor a token emits a warning; loopback does not.
  it('warns when a peer listens on a non-loopback address without TLS or a token', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      await remotePeer({ listen: '127.0.0.1:0' });
      await remotePeer({ listen: '0.0.0.0:0', advertise: '127.0.0.1' });
      await remotePeer({ listen: '0.0.0.0:0', advertise: '127.0.0.1', token: 't' });
      await waitFor(() => warnings.length > 0, 'the warning is emitted');
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toHaveLength(1);
    expect((warnings[0] as Error & { code?: string }).code).toBe('PROXYMESH_INSECURE_PEER');
    expect(warnings[0]?.message).toContain('neither TLS nor a token');
  });
});

describe('limits', () => {
  // Past the byte limit a put is refused with RESOURCE_EXHAUSTED naming the limit; what is stored stays.
  it('refuses objects past maxBytes and keeps what is stored', async () => {
    const peer = await remotePeer({ maxBytes: 1_000 });
    const client = connector({ peer: peer.address });
    const first = await client.put({ codec: 'bytes', data: new Uint8Array(600) });
    const refused = await failure(client.put({ codec: 'bytes', data: new Uint8Array(600) }));
    expect(refused).toBeInstanceOf(LimitExceededError);
    expect(refused.message).toContain('maximum bytes held');
    expect(peer.stats()).toMatchObject({ objects: 1, bytes: 600 });
    expect((await client.get(first))?.data.byteLength).toBe(600);
    // A deferred value is held to the same limit, and the key stays settable.
    const key = await client.newKey();
    expect(await failure(client.set(key, { codec: 'bytes', data: new Uint8Array(500) }))).toBeInstanceOf(LimitExceededError);
    await client.set(key, { codec: 'bytes', data: new Uint8Array(400) });
    expect(peer.stats()).toMatchObject({ objects: 2, bytes: 1_000, pendingKeys: 0 });
  });

  // One object over maxObjectBytes is refused with the limit named.
  it('refuses an object over maxObjectBytes', async () => {
    const peer = await remotePeer({ maxObjectBytes: 100 });
    const refused = await failure(connector({ peer: peer.address }).put({ codec: 'bytes', data: new Uint8Array(101) }));
    expect(refused).toBeInstanceOf(LimitExceededError);
    expect(refused.message).toContain('maximum object size');
    expect(peer.stats().objects).toBe(0);
  });

  // Past maxWaiters a new Await is refused; the waiters already there are still woken, and a
  // further wait through a connector already waiting joins its stream instead of taking a place.
  it('refuses waiters past maxWaiters', async () => {
    const peer = await remotePeer({ maxWaiters: 2 });
    const owner = connector({ peer: peer.address });
    // Waits through one connector share one Await stream: three readers make three streams.
    const [first, second, third] = [connector({ peer: peer.address }), connector({ peer: peer.address }), connector({ peer: peer.address })];
    const key = await owner.newKey();
    const waits = [first.awaitKey(key), second.awaitKey(key)];
    await waitFor(() => peer.stats().waiters === 2, 'two waiters are registered');
    const refused = await failure(third.awaitKey(key));
    expect(refused).toBeInstanceOf(LimitExceededError);
    expect(refused.message).toContain('maximum pending waiters');
    waits.push(first.awaitKey(key));
    expect(peer.stats().waiters).toBe(2);
    await owner.set(key, utf8('for the first two'));
    expect((await Promise.all(waits)).map(text)).toEqual(['for the first two', 'for the first two', 'for the first two']);
  });
});

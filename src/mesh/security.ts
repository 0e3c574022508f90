/**
 * Who may talk to a peer: TLS (mutual when a CA is given to the server) and a shared token sent
 * as `authorization: Bearer <token>` metadata. Secrets never travel inside keys, proxies or
 * store configs: TLS options name files, and the token comes from options or `PROXYMESH_TOKEN`
 * in each process.
 * @module
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { ChannelCredentials, Metadata, ServerCredentials, ServerError, Status } from './wire/grpc-runtime.js';
import { InvalidArgumentError } from '../errors.js';

/** TLS material, as paths to PEM files. */
export interface TlsOptions {
  /** This side's certificate chain. Required for a peer; for a client, it enables mutual TLS. */
  readonly cert?: string | undefined;
  /** This side's private key, with `cert`. */
  readonly key?: string | undefined;
  /** CA bundle to trust. A peer given one requires and checks client certificates (mutual TLS). */
  readonly ca?: string | undefined;
}

export { resolveToken } from './token.js';

function read(path: string | undefined, what: string): Buffer | null {
  if (path === undefined) return null;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidArgumentError(`Cannot read the TLS ${what} file ${JSON.stringify(path)}: ${(error as Error).message}. Check the path given as --tls-${what} or in the config.`);
  }
}

/** Credentials for a peer's server: TLS when `tls` names a certificate, else plaintext. */
export function serverCredentials(tls: TlsOptions | undefined): ServerCredentials {
  if (tls === undefined || (tls.cert === undefined && tls.key === undefined && tls.ca === undefined)) return ServerCredentials.createInsecure();
  const cert = read(tls.cert, 'cert');
  const key = read(tls.key, 'key');
  if (cert === null || key === null) {
    throw new InvalidArgumentError('A peer with TLS needs both a certificate (--tls-cert) and its private key (--tls-key).');
  }
  const ca = read(tls.ca, 'ca');
  return ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], ca !== null);
}

/** Credentials for client channels: TLS when any TLS option is set, else plaintext. */
export function channelCredentials(tls: TlsOptions | undefined): ChannelCredentials {
  if (tls === undefined || (tls.cert === undefined && tls.key === undefined && tls.ca === undefined)) return ChannelCredentials.createInsecure();
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new InvalidArgumentError('Mutual TLS needs both a client certificate (--tls-cert) and its private key (--tls-key).');
  }
  return ChannelCredentials.createSsl(read(tls.ca, 'ca'), read(tls.key, 'key'), read(tls.cert, 'cert'));
}

/** Whether any TLS option is set. */
export function usesTls(tls: TlsOptions | undefined): boolean {
  return tls !== undefined && (tls.cert !== undefined || tls.key !== undefined || tls.ca !== undefined);
}

/** The metadata a client sends with every call: the token when there is one (grpc-js clones it per call, so one instance serves them all). */
export function callMetadata(token: string | undefined): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function tokenMatches(expected: Buffer, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const presented = Buffer.from(header.slice('Bearer '.length));
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** A guard (grpc-handlers.ts) that refuses calls without the token with UNAUTHENTICATED. */
export function requireToken(token: string, peer: () => string): (metadata: Metadata) => void {
  const expected = Buffer.from(token);
  return (metadata) => {
    const [header] = metadata.get('authorization');
    if (!tokenMatches(expected, typeof header === 'string' ? header : undefined)) {
      throw new ServerError(
        Status.UNAUTHENTICATED,
        `Peer ${peer()} requires a token: send "authorization: Bearer <token>" metadata (set PROXYMESH_TOKEN, --token, or the token option) with the token the peer was started with.`,
      );
    }
  };
}

/**
 * The daemon's token and TLS options, and the same options on client commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, type TestCertificates } from '../helpers/certificates.js';
import { cli, startDaemon, stderrLines, text } from './cli.js';

describe('proxymesh with a token', () => {
  // A daemon started with --token refuses a client without it (one line, exit 1) and serves one with it.
  it('requires the token from --token or PROXYMESH_TOKEN', async () => {
    const daemon = await startDaemon(['--token', 'cli-secret']);
    try {
      const refused = await cli(['put', '--peer', daemon.address, '-'], { input: 'x' });
      expect(refused.code).toBe(1);
      expect(stderrLines(refused)).toHaveLength(1);
      expect(refused.stderr).toContain('requires a token');
      const byFlag = await cli(['--token', 'cli-secret', 'put', '--peer', daemon.address, '-'], { input: 'by flag' });
      expect(byFlag.code, byFlag.stderr).toBe(0);
      const byEnv = await cli(['get', text(byFlag)], { env: { PROXYMESH_TOKEN: 'cli-secret' } });
      expect(byEnv.code, byEnv.stderr).toBe(0);
      expect(byEnv.stdout.toString()).toBe('by flag');
    } finally {
      await daemon.stop();
    }
  });
});

describe('proxymesh with TLS', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeCertificates();
  });
  afterAll(() => certs.remove());

  // A mutual-TLS daemon serves a client that presents a certificate and trusts the CA.
  it('runs a mutual-TLS daemon and talks to it', async () => {
    const daemon = await startDaemon(['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey, '--tls-ca', certs.ca]);
    try {
      const tls = ['--tls-ca', certs.ca, '--tls-cert', certs.clientCert, '--tls-key', certs.clientKey];
      const put = await cli([...tls, 'put', '--peer', daemon.address, '-'], { input: 'secret bytes' });
      expect(put.code, put.stderr).toBe(0);
      const get = await cli([...tls, 'get', text(put)]);
      expect(get.stdout.toString()).toBe('secret bytes');
      const plain = await cli(['get', text(put)]);
      expect(plain.code).toBe(1);
      expect(stderrLines(plain)).toHaveLength(1);
    } finally {
      await daemon.stop();
    }
  });
});

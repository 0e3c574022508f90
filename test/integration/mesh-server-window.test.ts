/** A peer's HTTP/2 receive window: 16 MiB like its clients', so puts do not stall on 64 KiB; real peers on loopback. */
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { Peer } from '../../src/index.js';
import { SERVER_WINDOW_BYTES } from '../../src/mesh/server/server-window.js';

/** The SETTINGS a server sends a fresh HTTP/2 connection. */
async function serverSettings(address: string): Promise<http2.Settings> {
  const session = http2.connect(`http://${address}`);
  try {
    return await new Promise((resolve, reject) => {
      session.once('remoteSettings', resolve);
      session.once('error', reject);
    });
  } finally {
    session.close();
  }
}

describe('the peer server window', () => {
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });

  // Peers started together all advertise the larger stream window, and http2's factories are left as they were.
  it('advertises a 16 MiB stream window and leaves http2 unchanged', async () => {
    const { createServer, createSecureServer } = http2;
    peers.push(...(await Promise.all([Peer.start(), Peer.start()])));
    for (const peer of peers) expect((await serverSettings(peer.address)).initialWindowSize).toBe(SERVER_WINDOW_BYTES);
    expect(http2.createServer).toBe(createServer);
    expect(http2.createSecureServer).toBe(createSecureServer);
    // A server made outside a peer's start keeps HTTP/2's default.
    const plain = http2.createServer();
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const { port } = plain.address() as { port: number };
    expect((await serverSettings(`127.0.0.1:${port}`)).initialWindowSize).toBe(65_535);
    await new Promise((resolve) => plain.close(resolve));
  });
});

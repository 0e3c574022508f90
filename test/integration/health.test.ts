/**
 * The standard gRPC health service of a peer, as a load balancer or grpcurl sees it: SERVING
 * for the server ("") and for proxymesh.v1.PeerService by name, NOT_FOUND for other names, and
 * NOT_SERVING pushed to watchers when the peer starts to drain.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelCredentials, ClientError, Status, createChannel, createClient, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { ServingStatus as Serving } from '../../src/mesh/server/health.js';
import { Peer } from '../../src/mesh/server/peer.js';

const peers: Peer[] = [];
const channels: Channel[] = [];

afterEach(async () => {
  channels.splice(0).forEach((c) => c.close());
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function healthOf(): Promise<{ peer: Peer; health: ReturnType<typeof createClient<typeof HealthDefinition>> }> {
  const peer = await Peer.start();
  peers.push(peer);
  const channel = createChannel(peer.address, ChannelCredentials.createInsecure());
  channels.push(channel);
  return { peer, health: createClient(HealthDefinition, channel) };
}

describe('health per service', () => {
  it('answers SERVING for the server and for proxymesh.v1.PeerService by name, NOT_FOUND for others', async () => {
    const { health } = await healthOf();
    expect((await health.check({ service: '' })).status).toBe(Serving.SERVING);
    expect((await health.check({ service: 'proxymesh.v1.PeerService' })).status).toBe(Serving.SERVING);
    const unknown = await health.check({ service: 'proxymesh.v1.Nothing' }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ClientError);
    expect((unknown as ClientError).code).toBe(Status.NOT_FOUND);
  });

  it('tells a watcher NOT_SERVING when the peer drains, then ends the watch', async () => {
    const { peer, health } = await healthOf();
    const seen: number[] = [];
    const watching = (async () => {
      for await (const { status } of health.watch({ service: 'proxymesh.v1.PeerService' })) {
        seen.push(status);
        if (seen.length === 1) void peer.close();
      }
    })();
    await watching;
    expect(seen).toEqual([Serving.SERVING, Serving.NOT_SERVING]);
  });

  it('watches an unknown service as SERVICE_UNKNOWN, and ends the watch when the peer drains', async () => {
    const { peer, health } = await healthOf();
    const seen: number[] = [];
    for await (const { status } of health.watch({ service: 'proxymesh.v1.Nothing' })) {
      seen.push(status);
      void peer.close();
    }
    expect(seen).toEqual([Serving.SERVICE_UNKNOWN]);
  });
});

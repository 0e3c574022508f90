import { MeshConnector } from '../../src/connectors/mesh.js';
import { Peer } from '../../src/mesh/peer.js';
import { afterAll, beforeAll } from 'vitest';
import { connectorConformance } from './connector-suite.js';

// The embedded default: the connector's own peer, keys served from memory in this process.
connectorConformance('mesh (embedded)', { create: () => Promise.resolve(new MeshConnector()) });

// Attached to a peer: every operation crosses gRPC on loopback.
let peer: Peer;
beforeAll(async () => {
  peer = await Peer.start();
});
afterAll(async () => {
  await peer.close();
});
connectorConformance('mesh (attached over gRPC)', { create: () => Promise.resolve(new MeshConnector({ peer: peer.address })) });

import { afterAll, beforeAll } from 'vitest';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { spawnNode, type ChildNode } from '../helpers/child.js';
import { connectorConformance } from './connector-suite.js';

// The embedded default: the connector's own peer (on its worker thread), reached in-process.
connectorConformance('mesh (embedded)', { create: () => Promise.resolve(new MeshConnector()) });

// The peer on this very thread, as `thread: 'main'` runs it.
connectorConformance('mesh (embedded, main thread)', { create: () => Promise.resolve(new MeshConnector({ thread: 'main' })) });

// Attached to a peer in another process: every operation crosses gRPC.
let owner: ChildNode;
let address: string;
beforeAll(async () => {
  owner = spawnNode('mesh-node');
  await owner.ready;
  address = await owner.call<string>('address');
});
afterAll(async () => {
  await owner.kill();
});
connectorConformance('mesh (attached to a peer in another process)', { create: () => Promise.resolve(new MeshConnector({ peer: address })) });

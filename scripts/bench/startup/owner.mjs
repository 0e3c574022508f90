// The owner of the start-up group's objects: a long-running user process (plain node, default
// flags, the package by its name) whose embedded peers hold 100-byte objects; `proxy` answers a
// proxy's JSON text, as a workflow hands it to the task it starts. `remote` answers one of a
// connector with `sharedMemory: false`, whose readers cannot read its files: the path a reader on
// another host takes (over gRPC, through the bridge thread).
import { MeshConnector, Store } from 'proxymesh';
import { serve, valueOf } from '../workflow/procs/serve.mjs';

const store = new Store('startup', new MeshConnector());
const remote = new Store('startup-remote', new MeshConnector({ sharedMemory: false }));

await serve({
  proxy: async ({ size, fill }) => JSON.stringify(await store.proxy(valueOf(size, fill))),
  remote: async ({ size, fill }) => JSON.stringify(await remote.proxy(valueOf(size, fill))),
});

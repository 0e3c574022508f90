// The owner of the start-up group's object: a long-running user process (plain node, default
// flags, the package by its name) whose embedded peer holds one 100-byte object; `proxy` answers
// the proxy's JSON text, as a workflow hands it to the task it starts.
import { MeshConnector, Store } from 'proxymesh';
import { serve, valueOf } from '../workflow/procs/serve.mjs';

const store = new Store('startup', new MeshConnector());

await serve({
  proxy: async ({ size, fill }) => JSON.stringify(await store.proxy(valueOf(size, fill))),
});

// A user process of the large-transfer rows, importing the package by its name: the owner puts
// into its own embedded peer (`new MeshConnector()`), a consumer gets with its own default
// connector, a putter attached to the owner's peer puts into it. Plain node, default flags.
import { MeshConnector } from 'proxymesh';
import { serve, valueOf } from './serve.mjs';

let mine;
const connector = () => (mine ??= new MeshConnector());
const attached = new Map();
// Bytes to put, made once per size: producing them is not part of a transfer.
const made = new Map();
const bytes = (size) => made.get(size) ?? (made.clear(), made.set(size, valueOf(size, 9)).get(size));
const maxRss = () => process.resourceUsage().maxRSS * 1024;

await serve({
  /** Owner: puts `size` bytes into its embedded peer; returns the key and the peer's address. */
  own: async ({ size }) => {
    const key = await connector().put({ codec: 'bytes', data: bytes(size) });
    return { key, address: await connector().ownerAddress() };
  },
  /** Consumer: one get; its time, and the process's peak RSS before and after. */
  get: async ({ key, size }) => {
    const before = maxRss();
    const t = performance.now();
    const payload = await connector().get(key);
    const ms = performance.now() - t;
    if (payload?.data.byteLength !== size) throw new Error(`got ${payload?.data.byteLength} of ${size} bytes`);
    return { ms, maxRssBefore: before, maxRssAfter: maxRss() };
  },
  /** Putter: one put into the peer at `address` (attached mode), then, untimed, its eviction. */
  putTo: async ({ address, size }) => {
    if (!attached.has(address)) attached.set(address, new MeshConnector({ peer: address }));
    const c = attached.get(address);
    const t = performance.now();
    const key = await c.put({ codec: 'bytes', data: bytes(size) });
    const ms = performance.now() - t;
    await c.evict(key);
    return { ms };
  },
});

/**
 * `store.proxy(obj, { deserializer })`: ProxyStore carries a per-proxy deserializer in the proxy's
 * factory. Here the proxy names a registered codec by tag, the tag travels in the reference, and
 * every resolve path decodes with it: await, a synchronous first use (in-process memory and the
 * blocking bridge), a revived copy, and another process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LocalConnector, MeshConnector, Store, extract, getReference, registerCodec, resolve, reviver, unregisterCodec } from '../../src/index.js';
import type { Payload, Serializer } from '../../src/index.js';
import { suiteChild } from '../helpers/suite-child.js';

const TAG = 'parity.upper';
// Writes plain UTF-8 under the `utf8` tag, so only the proxy's own deserializer upper-cases it.
const plainText: Serializer = (value) => ({ codec: 'utf8', data: Buffer.from(String(value)) }) satisfies Payload;
let store: Store;

beforeAll(() => registerCodec({ tag: TAG, supports: (_v): _v is string => false, encode: (v: string) => Buffer.from(v), decode: (d) => Buffer.from(d).toString('utf8').toUpperCase() }));
afterAll(() => void unregisterCodec(TAG));
afterEach(async () => {
  await store.close();
});

describe('a per-proxy deserializer named by tag', () => {
  // Without it the payload reads as written; with it, every path decodes with the named codec.
  it('is applied on await, on a synchronous first use and after a JSON round trip', async () => {
    store = new Store('deserializer-local', new LocalConnector(), { populateTarget: false, register: true });
    const plain = await store.proxy('hello', { serializer: plainText });
    expect(await resolve(plain)).toBe('hello');
    const awaited = await store.proxy('hello', { serializer: plainText, deserializer: TAG });
    expect(await resolve(awaited)).toBe('HELLO');
    const used = await store.proxy('hello', { serializer: plainText, deserializer: TAG });
    expect(extract(used)).toBe('HELLO');
    expect(getReference(used).deserializer).toBe(TAG);
    const key = await store.put('hello', { serializer: plainText });
    const revived = JSON.parse(JSON.stringify(store.proxyFromKey(key, { deserializer: TAG })), reviver) as string;
    expect(extract(revived)).toBe('HELLO');
  });

  // The blocking bridge fetches bytes in its worker; the proxy's deserializer still decodes them.
  it('is applied on a blocking first use through the bridge', async () => {
    store = new Store('deserializer-mesh', new MeshConnector(), { populateTarget: false });
    const p = await store.proxy('over the bridge', { serializer: plainText, deserializer: TAG });
    expect(extract(p)).toBe('OVER THE BRIDGE');
  });

  // Without a serializer the named codec also writes the object; a tag nobody registered is refused.
  it('writes with the named codec by default and refuses an unknown tag', async () => {
    store = new Store('deserializer-default', new LocalConnector(), { populateTarget: false });
    const p = await store.proxy('written by the codec', { deserializer: TAG });
    expect((await store.connector.get(getReference(p).key))?.codec).toBe(TAG);
    expect(await resolve(p)).toBe('WRITTEN BY THE CODEC');
    await expect(store.proxy('x', { deserializer: 'parity.nobody' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('a per-proxy deserializer in another process', () => {
  const child = suiteChild('proxy-node');

  // The tag travels; a process without the codec says which to register, one with it decodes.
  it('decodes there once the codec is registered there', async () => {
    store = new Store('deserializer-remote', new MeshConnector());
    const text = JSON.stringify([await store.proxy('far away', { serializer: plainText, deserializer: TAG })]);
    const [missing] = await child().call<{ error: { name: string; cause: string; message: string } }[]>('resolve', { text });
    expect(missing?.error).toMatchObject({ name: 'ProxyResolveError', cause: 'SerializationError' });
    expect(missing?.error.message).toContain(`no codec with that tag is registered`);
    await child().call('registerCodec', { tag: TAG });
    const [awaited] = await child().call<{ value: string }[]>('resolve', { text });
    const [used] = await child().call<{ value: string }[]>('use', { text });
    expect([awaited?.value, used?.value]).toEqual(['FAR AWAY', 'FAR AWAY']);
  });
});

/**
 * Configs a worker needs no code for: a `StoreConfig` kept in a JSON file, `autoRegister`
 * (ProxyStore's `auto_register`), and a connector kind that names its module, rebuilt in a
 * process that never imported or registered it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LocalConnector, Store, StoreExistsError, connectorFromConfig, getStore, readStoreConfig, writeStoreConfig } from '../../src/index.js';
import { suiteChild } from '../helpers/suite-child.js';
import { ModuleConnector } from '../fixtures/module-connector.js';

let directory: string;
beforeAll(() => void (directory = mkdtempSync(join(tmpdir(), 'proxymesh-config-'))));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('store configs in files', () => {
  // Written and read back, the config rebuilds a store that reads the same objects.
  it('round-trips a config through a JSON file', async () => {
    await using store = new Store('config-file', new LocalConnector(), { cacheSize: 3, populateTarget: false });
    const key = await store.put({ answer: 42 });
    const path = join(directory, 'store.json');
    await writeStoreConfig(path, store.config());
    const config = await readStoreConfig(path);
    expect(config).toEqual(store.config());
    await using rebuilt = await Store.fromConfig(config);
    expect(rebuilt.cacheSize).toBe(3);
    expect(await rebuilt.get(key)).toEqual({ answer: 42 });
  });

  // A missing file, a file that is not JSON and JSON that is not a config each name the file.
  it('says which file is wrong and why', async () => {
    const notJson = join(directory, 'not.json');
    const notConfig = join(directory, 'other.json');
    writeFileSync(notJson, '{ nope');
    writeFileSync(notConfig, '{"name": "x"}');
    for (const [path, why] of [[join(directory, 'absent.json'), /Cannot read/], [notJson, /is not JSON/], [notConfig, /does not hold a store config.*connector/]] as const) {
      const error = (await readStoreConfig(path).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toContain(path);
      expect(error.message).toMatch(why);
    }
  });
});

describe('autoRegister', () => {
  // A store made with register: true says so in its config, and a store rebuilt from it registers itself.
  it('registers a store rebuilt from the config of a registered one', async () => {
    const original = new Store('auto-register', new LocalConnector(), { register: true });
    const config = original.config();
    expect(config['autoRegister']).toBe(true);
    await expect(Store.fromConfig(config)).rejects.toBeInstanceOf(StoreExistsError); // the name is taken
    await original.close();
    const rebuilt = await Store.fromConfig(config);
    expect(getStore('auto-register')).toBe(rebuilt);
    expect(rebuilt.config()['autoRegister']).toBe(true);
    await rebuilt.close();
    expect(getStore('auto-register')).toBeUndefined();
  });

  // Without it, the config has no flag and a rebuilt store stays unregistered.
  it('leaves other rebuilt stores unregistered', async () => {
    await using original = new Store('not-auto-register', new LocalConnector());
    expect(Object.hasOwn(original.config(), 'autoRegister')).toBe(false);
    await using rebuilt = await Store.fromConfig(original.config());
    expect(getStore('not-auto-register')).toBeUndefined();
    expect(rebuilt.name).toBe('not-auto-register');
  });
});

describe('connector kinds by module specifier', () => {
  const child = suiteChild('proxy-node');

  // The child never imported the connector's module nor registered its kind: the kind names it.
  it('rebuilds a custom connector in a process that never registered it', async () => {
    await using store = new Store('module-kind', new ModuleConnector(directory));
    expect(store.config().connector.kind).toMatch(/module-connector\.ts#ModuleConnector$/);
    const text = JSON.stringify([await store.proxy({ from: 'a module' })]);
    const [got] = await child().call<{ value: unknown }[]>('resolve', { text });
    expect(got?.value).toEqual({ from: 'a module' });
  });

  // A module that cannot be loaded, or lacks the export, is an InvalidArgumentError naming the kind.
  it('refuses a kind whose module or export is missing', async () => {
    const missingModule = connectorFromConfig({ kind: 'file:///nowhere/connector.js#Nope' });
    await expect(missingModule).rejects.toThrow(/Cannot load connector kind .*importing "file:\/\/\/nowhere\/connector.js" failed/);
    const missingExport = connectorFromConfig({ kind: `${new URL('../fixtures/module-connector.ts', import.meta.url).href}#Nope` });
    await expect(missingExport).rejects.toThrow(/has no export "Nope" with a static fromConfig/);
  });
});

/**
 * Store configs kept in JSON files (ProxyStore keeps them in TOML): a launcher writes the config
 * once, and every worker builds the same store from it, with no code of its own that knows the
 * connectors (a connector kind may name its module, see `connectorFromConfig`).
 * @module
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { StoreConfig } from '../core/reference.js';
import { InvalidArgumentError } from '../errors.js';
import { parseStoreConfig } from './store-config.js';

/**
 * Writes a store config to a JSON file, replacing the file whole (a reader never sees half).
 * @param path - the file.
 * @param config - what `store.config()` returned.
 * @example
 * ```ts
 * await writeStoreConfig('/shared/store.json', store.config());
 * // in a worker:
 * const store = await Store.fromConfig(await readStoreConfig('/shared/store.json'));
 * ```
 */
export async function writeStoreConfig(path: string, config: StoreConfig): Promise<void> {
  parseStoreConfig(config);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`);
  await rename(temporary, path);
}

/**
 * Reads a store config from a JSON file, for `Store.fromConfig` or `getOrCreateStore`.
 * @param path - the file.
 * @returns the config.
 * @throws InvalidArgumentError naming the file when it cannot be read, is not JSON, or is not a store config.
 */
export async function readStoreConfig(path: string): Promise<StoreConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`Cannot read the store config file ${path}: ${(error as Error).message}. Write it with writeStoreConfig(path, store.config()).`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`The store config file ${path} is not JSON (${(error as Error).message}). Write it with writeStoreConfig(path, store.config()).`, { cause: error });
  }
  try {
    parseStoreConfig(parsed);
  } catch (error) {
    throw new InvalidArgumentError(`The store config file ${path} does not hold a store config: ${(error as Error).message}`, { cause: error });
  }
  return parsed as StoreConfig;
}

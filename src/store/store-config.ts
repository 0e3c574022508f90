/**
 * A store's config: its name, its connector's config and its JSON options, enough to rebuild
 * it in another process. Serializers are functions and do not travel: a process that needs a
 * custom one builds and registers that store itself.
 * @module
 */
import type { ConnectorConfig } from '../core/protocol.js';
import { InvalidArgumentError } from '../errors.js';
import type { StoreConfig } from '../core/reference.js';

/** The store options a config carries. */
export interface ConfigOptions {
  /** Objects the cache keeps. */
  readonly cacheSize: number;
  /** Whether the store records metrics. */
  readonly metrics: boolean;
  /** Whether proxies made by the store start resolved. */
  readonly populateTarget: boolean;
  /**
   * Whether a store rebuilt from the config registers itself under its name (ProxyStore's
   * `auto_register`): written as `true` by a store made with `register: true`, absent otherwise.
   */
  readonly autoRegister?: boolean;
}

/** A config, checked. */
export interface ParsedStoreConfig {
  /** The store's name. */
  readonly name: string;
  /** Its connector's config, for `connectorFromConfig`. */
  readonly connector: ConnectorConfig;
  /** The store options the config carries. */
  readonly options: Partial<ConfigOptions>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a config that came from another process.
 * @param config - what `store.config()` returned there, after a JSON round trip.
 * @returns its name, connector config and store options.
 * @throws InvalidArgumentError when a field is missing or has the wrong type; the message names it.
 */
export function parseStoreConfig(config: unknown): ParsedStoreConfig {
  const bad = (what: string): InvalidArgumentError =>
    new InvalidArgumentError(`Not a store config (${what}): ${JSON.stringify(config)}. Pass what store.config() returned.`);
  if (!isRecord(config)) throw bad('not an object');
  const { name, connector, cacheSize, metrics, populateTarget, autoRegister } = config;
  if (typeof name !== 'string' || name === '') throw bad('"name" must be a non-empty string');
  if (!isRecord(connector) || typeof connector['kind'] !== 'string') throw bad('"connector" must be a connector config with a string "kind"');
  if (cacheSize !== undefined && typeof cacheSize !== 'number') throw bad('"cacheSize" must be a number');
  if (metrics !== undefined && typeof metrics !== 'boolean') throw bad('"metrics" must be a boolean');
  if (populateTarget !== undefined && typeof populateTarget !== 'boolean') throw bad('"populateTarget" must be a boolean');
  if (autoRegister !== undefined && typeof autoRegister !== 'boolean') throw bad('"autoRegister" must be a boolean');
  const options: { -readonly [O in keyof ConfigOptions]?: ConfigOptions[O] } = {};
  if (cacheSize !== undefined) options.cacheSize = cacheSize;
  if (metrics !== undefined) options.metrics = metrics;
  if (populateTarget !== undefined) options.populateTarget = populateTarget;
  if (autoRegister === true) options.autoRegister = true;
  return { name, connector: connector as ConnectorConfig, options };
}

/**
 * Builds a config.
 * @param name - the store's name.
 * @param connector - its connector's config.
 * @param options - its JSON options.
 * @returns the config.
 */
export function makeStoreConfig(name: string, connector: ConnectorConfig, options: ConfigOptions): StoreConfig {
  return { name, connector, ...options };
}

/**
 * The arguments and options several commands share, parsed and checked by commander before a
 * command runs: a malformed key or address is a usage error (exit 2), never a failed call.
 * @module
 */
import { InvalidArgumentError, Option } from 'commander';
import { formatKey, InvalidArgumentError as ProxyMeshInvalidArgument, parseAddress, parseKey, type MeshKey } from '../index.js';

// The library's message already quotes the input and shows the expected form.
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** A deferred key and, when known, the capability that authorises its one `set`. */
export interface FutureArgument {
  readonly key: MeshKey;
  readonly capability?: string;
}

// Capabilities are base64url tokens (128 random bits from the owner).
const CAPABILITY = /^[A-Za-z0-9_-]+$/;

/**
 * Parses `KEY` or `KEY#CAPABILITY`, what `proxymesh future` prints: the key, and after `#` the
 * secret that lets its holder set it (as a future carries it and a proxy does not). A malformed
 * key throws the library's `InvalidArgumentError`, which passes through commander untouched
 * and exits 2 with a message that quotes the key and shows the expected form.
 */
export function futureArgument(text: string): FutureArgument {
  const hash = text.indexOf('#');
  if (hash < 0) return { key: parseKey(text) };
  const capability = text.slice(hash + 1);
  if (!CAPABILITY.test(capability)) {
    throw new ProxyMeshInvalidArgument(`The capability after "#" in ${JSON.stringify(text)} is malformed: paste the whole line "proxymesh future" printed.`);
  }
  return { key: parseKey(text.slice(0, hash)), capability };
}

/**
 * Parses a `KEY` argument, `pm://host:port/<incarnation>/<id>`. The `KEY#CAPABILITY` form that
 * `future` prints is accepted too: reading needs no capability, so it is ignored.
 */
export function keyArgument(text: string): MeshKey {
  return futureArgument(text).key;
}

/** The `KEY#CAPABILITY` line `proxymesh future` prints (the plain key when none is needed). */
export function formatFuture(key: MeshKey, capability: string | undefined): string {
  return capability ? `${formatKey(key)}#${capability}` : formatKey(key);
}

/** Checks a `HOST:PORT` value and returns it as given. */
export function addressArgument(text: string): string {
  asUsage(() => parseAddress(text, 'address'));
  return text;
}

/**
 * `--peer HOST:PORT`, the peer that owns what a command creates (put, future) or reports on
 * (stats). `PROXYMESH_PEER` supplies it when the option is absent, so a shell session can
 * name its daemon once.
 */
export function peerOption(what: string): Option {
  return new Option('--peer <host:port>', what).env('PROXYMESH_PEER').argParser(addressArgument).makeOptionMandatory();
}

/** `--codec TAG`: the codec tag stored with the bytes, for readers in any language. */
export function codecOption(): Option {
  return new Option('--codec <tag>', 'codec tag stored with the bytes (bytes, utf8, json, ...)').default('bytes');
}

/** `-o, --output FILE`: where a command writes the bytes it fetched. */
export function outputOption(): Option {
  return new Option('-o, --output <file>', 'write the bytes to FILE instead of stdout');
}

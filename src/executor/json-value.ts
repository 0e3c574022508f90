/**
 * Values that travel by value through a task engine travel as JSON, which silently turns a Map
 * into `{}`, a Uint8Array into an object of indices and `undefined` into `null`. These checks
 * refuse such values up front, so a task never runs on a mangled argument.
 * @module
 */
import { isProxy } from '../proxy/control.js';

/**
 * Where a value stops being faithful JSON.
 * @param value - the value.
 * @returns `undefined` when JSON carries it faithfully, else a description of the first
 *   offending part (`"a Map at [2].rows"`).
 */
export function jsonProblem(value: unknown): string | undefined {
  return walk(value, '', new Set());
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object' || value === null) return `a ${typeof value}`;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return `a ${name ?? 'object'}`;
}

function walk(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  const at = (): string => (path === '' ? '' : ` at ${path}`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${describe(value)}${at()}`;
    case 'object':
      break;
    default:
      return `${describe(value)}${at()}`;
  }
  if (value === null || isProxy(value)) return undefined; // a proxy travels as its reference
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined; // its own JSON form, chosen by its author
  if (ancestors.has(value)) return `a cycle${at()}`;
  const proto: unknown = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) return `${describe(value)}${at()}`;
  ancestors.add(value);
  try {
    if (isArray) {
      for (let i = 0; i < value.length; i += 1) {
        const problem = walk(value[i], `${path}[${i}]`, ancestors);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    for (const [name, item] of Object.entries(value)) {
      const problem = walk(item, path === '' ? name : `${path}.${name}`, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * The size of a value's JSON, in UTF-8 bytes.
 * @param value - the value.
 * @returns the byte count, or `undefined` when JSON cannot carry the value faithfully.
 */
export function jsonBytes(value: unknown): number | undefined {
  return jsonProblem(value) === undefined ? Buffer.byteLength(JSON.stringify(value), 'utf8') : undefined;
}

/**
 * Applies a `JSON.parse` reviver to a value that is already parsed (a task engine hands the
 * worker parsed JSON), visiting members before their parent as `JSON.parse` does.
 * @param value - parsed JSON.
 * @param reviver - the reviver.
 * @returns the revived value.
 */
export function reviveParsed(value: unknown, reviver: (key: string, value: unknown) => unknown): unknown {
  const visit = (holder: Record<string, unknown>, key: string): unknown => {
    const item = holder[key];
    if (typeof item === 'object' && item !== null) {
      const record = item as Record<string, unknown>;
      for (const name of Object.keys(record)) record[name] = visit(record, name);
    }
    return reviver.call(holder, key, item);
  };
  return visit({ '': value }, '');
}

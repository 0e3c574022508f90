/**
 * Errors across a thread boundary: a named proxymesh error travels as `{name, message}` and is
 * rebuilt as the same class on the other side, so callers can still use `instanceof`.
 * @module
 */
import * as errors from '../errors.js';

/** An error as it crosses a MessagePort. */
export interface WireError {
  readonly name: string;
  readonly message: string;
}

/** The wire form of any thrown value. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error a wire form describes: the proxymesh class of that name, or a plain Error. */
export function fromWireError(wire: WireError): Error {
  const cls = (errors as Record<string, unknown>)[wire.name];
  if (typeof cls === 'function' && cls.prototype instanceof Error) {
    return new (cls as new (message: string) => Error)(wire.message);
  }
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
}

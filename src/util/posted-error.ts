/**
 * Errors posted across a thread boundary (a MessagePort): a named proxymesh error travels as
 * `{name, message}` and is rebuilt as the same class on the other side, so callers can still use
 * `instanceof`. ("Wire" in this codebase means bytes on the network; this is a posted message.)
 * @module
 */
import * as errors from '../errors.js';

/** An error as it crosses a MessagePort. */
export interface PostedError {
  readonly name: string;
  readonly message: string;
}

/** The posted form of any thrown value. */
export function toPostedError(error: unknown): PostedError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error a posted form describes: the proxymesh class of that name, or a plain Error. */
export function fromPostedError(posted: PostedError): Error {
  const cls = (errors as Record<string, unknown>)[posted.name];
  if (typeof cls === 'function' && cls.prototype instanceof Error) {
    return new (cls as new (message: string) => Error)(posted.message);
  }
  const error = new Error(posted.message);
  error.name = posted.name;
  return error;
}

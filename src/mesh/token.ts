/**
 * The shared token of a mesh, resolved without loading gRPC: a connector decides it when it is
 * made, long before (and often without) opening a channel. Sending and checking it is
 * security.ts.
 * @module
 */

/** The environment variable that carries the token to every process of a mesh. */
export const TOKEN_VARIABLE = 'PROXYMESH_TOKEN';

/** The token to use: the given one, else `PROXYMESH_TOKEN`, else none. */
export function resolveToken(token: string | undefined): string | undefined {
  const value = token ?? process.env[TOKEN_VARIABLE];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Flags on a role's command line: `--chunk=<bytes>`, and `--only=` for the suite.
 * @module
 */

/** The value of `--name=value` among this process's arguments. */
export function flagValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** `--chunk=<bytes>`: the data piece size to use instead of proxymesh's default (a public option). */
export function chunkFlag(): number | undefined {
  const v = flagValue('chunk');
  return v === undefined ? undefined : Number(v);
}

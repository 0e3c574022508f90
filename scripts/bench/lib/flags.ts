/**
 * Flags on a role's command line: `--chunk=<bytes>`; and the suite's `--only=` and `--node-flags=`.
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

/**
 * `--node-flags=<flags>` (space-separated, empty for none): the V8 flags every Node process of
 * the suite runs with, baselines and proxymesh alike. By default `--single-threaded-gc`: on a
 * 2-vCPU machine V8's concurrent marking, started again and again by the external memory that
 * large transfers allocate, takes the core the other process of the transfer needs; a bare
 * grpc-js 4 MB stream get took 5.6–9.3 ms with Node's defaults and 4.0–5.0 ms with the flag
 * (BENCHMARKS.md, Tuning §14). The flag cannot go in NODE_OPTIONS, so it is passed to each process.
 */
export function nodeFlags(): string[] {
  const value = flagValue('node-flags') ?? '--single-threaded-gc';
  return value.split(' ').filter((flag) => flag !== '');
}

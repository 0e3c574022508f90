/**
 * Runs user-style code (`import … from 'proxymesh'`) against this checkout's `src/`, not the
 * built `dist/` the package name resolves to: `npm test` never rebuilds `dist/`, so a test of the
 * built package could pass on a stale build. A resolve hook maps the package name to
 * `src/index.ts`; it goes in through NODE_OPTIONS, so every process the code starts (the
 * examples' producer and consumer) gets it too. tsx, which they load, compiles the source.
 */
const index = new URL('../../src/index.ts', import.meta.url).href;
const hooks = `export async function resolve(specifier, context, next) { return specifier === 'proxymesh' ? { url: ${JSON.stringify(index)}, shortCircuit: true } : next(specifier, context); }`;
const install = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;

/**
 * The environment for a child process whose `proxymesh` is this checkout's source.
 * @returns `process.env` with the hook added to NODE_OPTIONS.
 */
export function sourceEnv(): NodeJS.ProcessEnv {
  const options = [process.env['NODE_OPTIONS'], `--import=data:text/javascript,${encodeURIComponent(install)}`].filter(Boolean).join(' ');
  return { ...process.env, NODE_OPTIONS: options };
}

/**
 * The layering of src/ (drawn in ARCHITECTURE.md), checked by `npm test`. Each rule names the
 * folders a layer may import; together they form one direction:
 *
 *   errors.ts ← util ← core ← serialize ← mesh ← connectors ← store ← executor, stream ← cli
 *                             core ← proxy ← store
 *
 * and inside the mesh: wire ← mesh/ root ← client, server ← thread (client and server apart).
 *
 * Tests, scripts and examples may import anything; only src/ is checked.
 */
/** A path pattern matching our own modules other than the given folders/files. */
const ours = (...allowed) => ({ path: '^src/', pathNot: `^src/(${allowed.join('|')})` });

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Folders point one way: a cycle between two folders means one of them holds a concept that belongs lower down.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'errors-import-nothing',
      severity: 'error',
      comment: 'The error classes are the floor every layer stands on.',
      from: { path: '^src/errors\\.ts$' },
      to: ours('errors\\.ts$'),
    },
    {
      name: 'util-is-a-leaf',
      severity: 'error',
      comment: 'util/ holds small helpers (worker start-up, error transfer, input descriptions) that know no domain type.',
      from: { path: '^src/util/' },
      to: ours('util/', 'errors\\.ts$'),
    },
    {
      name: 'core-imports-nothing-of-ours',
      severity: 'error',
      comment: 'core/ is the connector protocol, payloads, call options, waiters, the object table and the reference format: every other layer builds on it, so it may use only errors and util.',
      from: { path: '^src/core/' },
      to: ours('core/', 'util/', 'errors\\.ts$'),
    },
    {
      name: 'serialize-on-core-only',
      severity: 'error',
      comment: 'Codecs turn values into payloads; they know nothing of connectors, stores or the mesh.',
      from: { path: '^src/serialize/' },
      to: ours('serialize/', 'core/', 'util/', 'errors\\.ts$'),
    },
    {
      name: 'mesh-on-core-only',
      severity: 'error',
      comment: 'The mesh (wire, client, server, thread) sees connectors only through the core protocol; connectors/mesh.ts adapts it, not the other way round.',
      from: { path: '^src/mesh/' },
      to: ours('mesh/', 'core/', 'util/', 'serialize/', 'errors\\.ts$', 'log\\.ts$'),
    },
    // Inside the mesh, one direction too (ARCHITECTURE.md, "Inside mesh/"):
    //   wire ← mesh/ root ← client, server ← thread
    // wire (messages, pieces, checksums, same-host files) is what both ends share; the root
    // (keys, addresses, security, status) names calls; a client and a server never know each
    // other; the peer thread runs a server.
    {
      name: 'mesh-wire-is-the-floor',
      severity: 'error',
      comment: 'mesh/wire/ is how an object travels (protobuf, pieces, checksums, same-host files), the same for both ends: it imports nothing else of the mesh.',
      from: { path: '^src/mesh/wire/' },
      to: { path: '^src/mesh/', pathNot: '^src/mesh/wire/' },
    },
    {
      name: 'mesh-root-on-wire-only',
      severity: 'error',
      comment: 'The files at the root of mesh/ (keys, addresses, tokens, security, status, channel options) are shared by every role: they import only each other and wire/.',
      from: { path: '^src/mesh/[^/]+$' },
      to: { path: '^src/mesh/(client|server|thread)/' },
    },
    {
      name: 'mesh-client-knows-no-server',
      severity: 'error',
      comment: 'A client reaches a server through the wire alone; it never imports the server side or the peer thread.',
      from: { path: '^src/mesh/client/' },
      to: { path: '^src/mesh/(server|thread)/' },
    },
    {
      name: 'mesh-server-knows-no-client',
      severity: 'error',
      comment: 'A peer answers calls; it never makes them (nor knows the thread it may run on).',
      from: { path: '^src/mesh/server/' },
      to: { path: '^src/mesh/(client|thread)/' },
    },
    {
      name: 'mesh-thread-runs-a-server',
      severity: 'error',
      comment: 'The peer thread runs a server on a worker thread and hands values over beside it; it makes no client calls.',
      from: { path: '^src/mesh/thread/' },
      to: { path: '^src/mesh/client/' },
    },
    {
      name: 'only-mesh-imports-gen',
      severity: 'error',
      comment: 'The generated protobuf code is seen through the mesh alone, which maps wire messages to domain types.',
      from: { path: '^src/', pathNot: '^src/mesh/' },
      to: { path: '^gen/' },
    },
    {
      name: 'proxy-knows-no-store',
      severity: 'error',
      comment: 'proxy/ is a generic lazy proxy over a Factory; stores, connectors and the blocking bridge live above it.',
      from: { path: '^src/proxy/' },
      to: ours('proxy/', 'core/', 'util/', 'errors\\.ts$'),
    },
    {
      name: 'connectors-below-store',
      severity: 'error',
      comment: 'Connectors store payloads; proxies, stores and what builds on stores sit above them.',
      from: { path: '^src/connectors/' },
      to: { path: '^src/(proxy|store|executor|stream|cli)/|^src/index\\.ts$' },
    },
    {
      name: 'store-below-its-users',
      severity: 'error',
      comment: 'The executor, streams and the CLI use stores; stores never use them.',
      from: { path: '^src/store/' },
      to: { path: '^src/(executor|stream|cli)/|^src/index\\.ts$' },
    },
    {
      name: 'only-cli-uses-the-public-door',
      severity: 'error',
      comment: 'src/index.ts is the package API; the library imports modules, only the CLI goes through the door users take.',
      from: { path: '^src/', pathNot: '^src/(cli/|index\\.ts$)' },
      to: { path: '^src/(index\\.ts$|cli/)' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};

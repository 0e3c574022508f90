// One fresh process of the start-up group, started by plain `node` with Node's default flags as a
// task's process is. It gets its value as fast as it can, then reports the wall-clock time it had
// it (the parent subtracts the time it spawned this process) and, after a full collection that
// is not timed, its memory. argv: mode, then the mode's argument:
//   node    nothing at all (bare node: the floor of both times, and the memory baseline)
//   grpc    require grpc-js, one unary call of 100 bytes to a running server (argv: its port)
//   import  import('proxymesh') only
//   proxy   import('proxymesh'), revive a proxy (argv: its JSON) and use it synchronously
//   remote  the same, of an owner whose files cannot be read (the path from another host)
//   peer    import('proxymesh'), `new MeshConnector()` and put 10 bytes (the embedded peer starts)
//   peer-main  the same with `thread: 'main'` (the peer on the main thread: no second isolate)
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const [mode, arg] = process.argv.slice(2);
const SIZE = 100;
const FILL = 7;

function check(value) {
  if (value.length !== SIZE || value[0] !== FILL || value[SIZE - 1] !== FILL) throw new Error(`startup ${mode}: wrong value (${value.length} bytes)`);
}

async function grpcCall(port) {
  // required, as a CommonJS program loads it: cheaper than import() from an ES module (no
  // parse of the package's files for their export names).
  const { Client, credentials } = createRequire(import.meta.url)('@grpc/grpc-js');
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const id = (b) => b;
  const request = Buffer.allocUnsafe(8);
  request.writeDoubleLE(SIZE, 0);
  const value = await new Promise((resolve, reject) => client.makeUnaryRequest('/bench.Raw/Fetch', id, id, request, (e, v) => (e ? reject(e) : resolve(v))));
  check(value); // workflow/procs/raw-grpc.mjs answers `size` bytes of 7
  return client;
}

// What the process made stays referenced until its memory is read, as a task would hold it.
let keep;
switch (mode) {
  case 'node':
    break;
  case 'grpc':
    keep = await grpcCall(Number(arg));
    break;
  case 'import':
    keep = await import('proxymesh');
    break;
  case 'proxy':
  case 'remote': {
    const { reviver } = await import('proxymesh');
    keep = JSON.parse(arg, reviver);
    check(keep); // the first synchronous use blocks until the value is here
    break;
  }
  case 'peer':
  case 'peer-main': {
    const { MeshConnector, Store } = await import('proxymesh');
    keep = new Store('startup-peer', new MeshConnector(mode === 'peer' ? {} : { thread: 'main' }));
    await keep.put(Buffer.alloc(10));
    break;
  }
  default:
    throw new Error(`startup: unknown mode ${mode}`);
}
const valueAt = performance.timeOrigin + performance.now();
setFlagsFromString('--expose-gc');
runInNewContext('gc')();
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ valueAt, rss, heapUsed })}\n`);
process.exit(0);

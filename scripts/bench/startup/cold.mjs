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
//   thread  no package: a worker thread that loads nothing (what a second isolate costs)
//   http2-thread  no package: a worker thread listening with node:http2 on loopback, the least
//           any peer on a thread of its own must load, whatever its server is written with
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

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

// A worker that runs `body` (CommonJS, `ready()` in scope) and is kept, as a peer thread is. It
// reports 100 ms after it is ready: a fresh worker frees ~6 MiB of its start-up in that time, and
// only what it keeps is its cost.
async function thread(body) {
  const ready = "() => setTimeout(() => require('node:worker_threads').parentPort.postMessage(0), 100)";
  const worker = new Worker(`const ready = ${ready}; ${body}`, { eval: true });
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return worker;
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
  case 'thread':
    keep = await thread('ready();');
    break;
  case 'http2-thread':
    keep = await thread("require('node:http2').createServer().listen(0, '127.0.0.1', ready);");
    break;
  default:
    throw new Error(`startup: unknown mode ${mode}`);
}
const valueAt = performance.timeOrigin + performance.now();
setFlagsFromString('--expose-gc');
runInNewContext('gc')();
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ valueAt, rss, heapUsed })}\n`);
process.exit(0);

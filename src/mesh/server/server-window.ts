/**
 * A larger HTTP/2 receive window for peer servers. grpc-js applies `grpc-node.flow_control_window`
 * to client sessions only, so a server advertises HTTP/2's 64 KiB default and every Put or Set
 * stalls on WINDOW_UPDATE round trips: measured, a 16 MiB window made puts 1.5–1.9× faster
 * (BENCHMARKS.md, Tuning: "The peer's HTTP/2 receive window"). Neither grpc-js nor nice-grpc has an option for it or exposes the
 * HTTP/2 server, but grpc-js creates that server through `http2.createServer` (or
 * `createSecureServer`) while `listen` binds. So for the duration of a peer's `listen`, those two
 * factories give each new server the larger window; they are restored as soon as no peer is
 * binding. Another gRPC server binding in that instant gets the same window, which only makes it
 * faster.
 * @module
 */
import http2 from 'node:http2';

/** The window a peer advertises: the same as its clients' `grpc-node.flow_control_window`. */
export const SERVER_WINDOW_BYTES = 16 * 1024 * 1024;

type Factory = (options: http2.ServerOptions, listener?: (...args: never[]) => void) => http2.Http2Server;

/** Stream window in the server's SETTINGS; connection window raised once the session is set up. */
function raised(factory: Factory): Factory {
  return (options, listener) => {
    const server = factory({ ...options, settings: { ...options.settings, initialWindowSize: SERVER_WINDOW_BYTES } }, listener);
    server.on('session', (session: http2.ServerHttp2Session) => {
      session.once('localSettings', () => session.setLocalWindowSize(SERVER_WINDOW_BYTES));
    });
    return server;
  };
}

let binding = 0;
let originals: { createServer: Factory; createSecureServer: Factory } | undefined;

/**
 * Runs `listen` (a gRPC server's bind) so that the HTTP/2 servers it creates advertise the
 * larger window.
 */
export async function withServerWindow<T>(listen: () => Promise<T>): Promise<T> {
  if (binding++ === 0) {
    originals = { createServer: http2.createServer as unknown as Factory, createSecureServer: http2.createSecureServer as unknown as Factory };
    Object.assign(http2, { createServer: raised(originals.createServer), createSecureServer: raised(originals.createSecureServer) });
  }
  try {
    return await listen();
  } finally {
    if (--binding === 0 && originals) {
      Object.assign(http2, originals);
      originals = undefined;
    }
  }
}

/**
 * Prototype of a tuning proxymesh's server lacks: grpc-js applies `grpc-node.flow_control_window`
 * to client sessions only, so a server advertises HTTP/2's 64 KiB default receive window and
 * puts stall on WINDOW_UPDATE round trips. With `--window` on the command line, this wraps
 * `http2.createServer` (which grpc-js calls at bind time) so that every server session
 * advertises a 16 MiB stream window and raises its connection window to 16 MiB. In src/ the
 * same change is a few lines where the server is created.
 * @module
 */
import http2 from 'node:http2';

/** The window the prototype advertises: the client's `grpc-node.flow_control_window`. */
export const SERVER_WINDOW_BYTES = 16 * 1024 * 1024;

/** Installs the wrapper when `--window` is among this process's arguments. */
export function applyWindowFlag(): void {
  if (!process.argv.includes('--window')) return;
  const original = http2.createServer;
  const patched = (options: http2.ServerOptions, listener?: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void): http2.Http2Server => {
    const server = original({ ...options, settings: { ...options.settings, initialWindowSize: SERVER_WINDOW_BYTES } }, listener);
    server.on('session', (session: http2.ServerHttp2Session) => {
      session.once('localSettings', () => session.setLocalWindowSize(SERVER_WINDOW_BYTES));
    });
    return server;
  };
  Object.assign(http2, { createServer: patched });
}

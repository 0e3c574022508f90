/**
 * Tells a host that is gone from a peer that is slow. A connection attempt has two parts: TCP,
 * which the owner's kernel completes on its own (loopback or a live host answers within
 * milliseconds, however busy its processes), and HTTP/2's settings, which the owner's process
 * must send itself. A peer stopped in a long GC pause, or starved on a host crowded with starting
 * processes, finishes the first at once and the second late; a host behind a cut link never
 * finishes the first. So TCP gets a short bound of its own (`grpc-node.tcp_connect_timeout_ms`),
 * and the whole attempt the patient one nice-grpc's patch applies (`grpc.min_reconnect_backoff_ms`,
 * channel-options.ts), during which calls wait for the connection, each within its deadline.
 * A refused or reset connection fails at once either way.
 *
 * grpc-js has no such option: this wraps its connector's TCP step, as nice-grpc's patch wraps the
 * whole attempt, and does nothing if grpc-js's internals change shape.
 * @module
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/** The channel option read here, in milliseconds; absent or 0: no bound of its own. */
const TCP_CONNECT_TIMEOUT_OPTION = 'grpc-node.tcp_connect_timeout_ms';

type TcpConnect = (this: unknown, address: unknown, options: Record<string, unknown> | undefined) => Promise<Socket>;
const patched = Symbol.for('proxymesh.tcpConnectTimeout');

/** Bounds grpc-js's TCP connect by the channel's `grpc-node.tcp_connect_timeout_ms`; returns whether it could. */
export function applyTcpConnectTimeout(): boolean {
  let prototype: { tcpConnect?: TcpConnect; [patched]?: boolean } | undefined;
  try {
    const transport = createRequire(import.meta.url)('@grpc/grpc-js/build/src/transport') as { Http2SubchannelConnector?: { prototype: typeof prototype } };
    prototype = transport.Http2SubchannelConnector?.prototype;
  } catch {
    return false;
  }
  if (prototype === undefined || typeof prototype.tcpConnect !== 'function') return false;
  if (prototype[patched] === true) return true;
  const original = prototype.tcpConnect;
  prototype.tcpConnect = function tcpConnect(address, options) {
    const timeoutMs = options?.[TCP_CONNECT_TIMEOUT_OPTION];
    const attempt = original.call(this, address, options);
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) return attempt;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    // A socket that connects after the bound is closed: nobody will use it.
    void attempt.then((socket) => timedOut && socket.destroy(), () => undefined);
    const bound = new Promise<never>((_, reject) => {
      // On a starved event loop the timer and the connect event come due in the same turn, and
      // timers run first: one more turn (setImmediate runs after pending I/O) lets a connection
      // the kernel made in time win, so only a host that really did not answer is reported.
      timer = setTimeout(
        () =>
          setImmediate(() => {
            timedOut = true;
            reject(new Error(`No TCP connection within ${timeoutMs} ms`));
          }),
        timeoutMs,
      ).unref();
    });
    return Promise.race([attempt, bound]).finally(() => clearTimeout(timer));
  };
  prototype[patched] = true;
  return true;
}

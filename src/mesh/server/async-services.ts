/**
 * Serves a service written as async functions and generators taking a call context (the shape
 * nice-grpc implementations have) on a bare grpc-js server: reflection comes that way, from nice-grpc-server-reflection
 * (health is health.ts). It is off every hot path, so a plain async loop per call is enough; the
 * PeerService has its own adapters (grpc-handlers.ts).
 * @module
 */
import type { Server, ServerUnaryCall, ServerWritableStream, ServiceDefinition, UntypedHandleCall, sendUnaryData } from '@grpc/grpc-js';
import type { Readable } from 'node:stream';
import type { CallContext } from 'nice-grpc';
import { cancelSignal, drained, failStream, grpcDefinition, type ServerCall, type TsProtoService } from './grpc-handlers.js';
import { toStatus } from '../status.js';

type AsyncMethod = (request: unknown, context: CallContext) => unknown;

/** The context a nice-grpc implementation gets: the health and reflection services read only its signal. */
function contextOf(call: ServerCall): CallContext {
  return { signal: cancelSignal(call) } as CallContext;
}

async function writeEach(call: ServerWritableStream<unknown, unknown>, messages: AsyncIterable<unknown>): Promise<void> {
  for await (const message of messages) {
    if (call.cancelled) return;
    if (!call.write(message)) await drained(call);
  }
}

/**
 * Adds a service of async functions and generators (a nice-grpc implementation) to a grpc-js server.
 * @param server - the server, before it binds.
 * @param definition - a ts-proto definition (as nice-grpc takes) or a grpc-js one.
 * @param implementation - the nice-grpc implementation: unary, server-streaming and bidi methods.
 */
export function addAsyncService(server: Server, definition: TsProtoService | ServiceDefinition, implementation: object): void {
  const service = 'fullName' in definition && 'methods' in definition ? grpcDefinition(definition as TsProtoService) : (definition);
  const handlers: Record<string, UntypedHandleCall> = {};
  for (const [name, method] of Object.entries(service)) {
    const run = (implementation as Record<string, AsyncMethod>)[name]?.bind(implementation);
    if (run === undefined || (method.requestStream && !method.responseStream)) throw new Error(`addAsyncService cannot serve ${method.path}: no implementation, or a client-streaming method.`);
    if (!method.responseStream) {
      handlers[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        Promise.resolve()
          .then(() => run(call.request, contextOf(call)))
          .then((response) => callback(null, response), (error: unknown) => callback(toStatus(error)));
      };
      continue;
    }
    handlers[name] = (call: ServerWritableStream<unknown, unknown>) => {
      // A bidi call's requests are the call itself (a duplex stream), read without destroying it
      // at the end as a plain for-await would: that would also end the response side, status unsent.
      const request = method.requestStream ? (call as unknown as Readable).iterator({ destroyOnReturn: false }) : call.request;
      writeEach(call, run(request, contextOf(call)) as AsyncIterable<unknown>).then(
        () => {
          if (!call.cancelled) call.end();
        },
        (error: unknown) => failStream(call, error),
      );
    };
  }
  server.addService(service, handlers);
}

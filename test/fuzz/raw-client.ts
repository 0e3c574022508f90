/**
 * A gRPC client of `proxymesh.v1.PeerService` that sends and receives raw bytes (identity
 * serializers), so the fuzz test can put anything on the wire as a message. Every call has a
 * deadline and resolves, never rejects, with the status it ended with.
 */
import { Client, Metadata, credentials, type status, type StatusObject } from '@grpc/grpc-js';

/** The RPCs of the contract. */
export const RPCS = ['Put', 'Get', 'Exists', 'Evict', 'NewKey', 'Set', 'Replace', 'Expire', 'Await', 'Stats', 'GetBatch', 'PutBatch', 'Locate', 'Publish', 'Subscribe'] as const;
export type Rpc = (typeof RPCS)[number];
export const SERVER_STREAMING: readonly Rpc[] = ['Get', 'Await', 'GetBatch', 'Subscribe'];
export const CLIENT_STREAMING: readonly Rpc[] = ['Put', 'Set', 'Replace', 'PutBatch'];

/** How a call ended: its status and the raw messages it received. */
export interface Outcome {
  readonly code: status;
  readonly details: string;
  readonly responses: readonly Buffer[];
}

/** How a client stream ends after its messages: half-close, cancel, or stay open until the deadline. */
export type StreamEnd = 'end' | 'cancel' | 'open';

const identity = (b: Buffer): Buffer => b;
const path = (rpc: Rpc): string => `/proxymesh.v1.PeerService/${rpc}`;

/** A raw client of one peer. */
export class RawPeerClient {
  readonly #client: Client;

  constructor(address: string) {
    this.#client = new Client(address, credentials.createInsecure(), {
      // Oversized messages must leave this client, so the peer is the one to refuse them.
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  #options(deadlineMs: number): { deadline: Date } {
    return { deadline: new Date(Date.now() + deadlineMs) };
  }

  /** A unary call with one raw request message. */
  unary(rpc: Rpc, request: Buffer, deadlineMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      let response: Buffer | undefined;
      const call = this.#client.makeUnaryRequest(path(rpc), identity, identity, request, new Metadata(), this.#options(deadlineMs), (_error, value) => {
        response = value;
      });
      call.on('status', (s: StatusObject) => resolve({ code: s.code, details: s.details, responses: response ? [response] : [] }));
    });
  }

  /**
   * A server-streaming call with one raw request message. `cancelAfterMs` cancels it that long
   * after it starts (0: at once), as a client that gives up would.
   */
  serverStream(rpc: Rpc, request: Buffer, deadlineMs: number, cancelAfterMs?: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const responses: Buffer[] = [];
      const call = this.#client.makeServerStreamRequest(path(rpc), identity, identity, request, new Metadata(), this.#options(deadlineMs));
      call.on('data', (message: Buffer) => responses.push(message));
      call.on('error', () => undefined);
      let timer: NodeJS.Timeout | undefined;
      call.on('status', (s: StatusObject) => {
        clearTimeout(timer);
        resolve({ code: s.code, details: s.details, responses });
      });
      if (cancelAfterMs === 0) call.cancel();
      else if (cancelAfterMs !== undefined) timer = setTimeout(() => call.cancel(), cancelAfterMs);
    });
  }

  /** A client-streaming call: writes every message, then ends as `end` says. */
  clientStream(rpc: Rpc, requests: readonly Buffer[], deadlineMs: number, end: StreamEnd = 'end'): Promise<Outcome> {
    return new Promise((resolve) => {
      let response: Buffer | undefined;
      let callbackDone = false;
      let ended: StatusObject | undefined;
      const finish = (): void => {
        if (callbackDone && ended) resolve({ code: ended.code, details: ended.details, responses: response ? [response] : [] });
      };
      const call = this.#client.makeClientStreamRequest(path(rpc), identity, identity, new Metadata(), this.#options(deadlineMs), (_error, value) => {
        response = value;
        callbackDone = true;
        finish();
      });
      call.on('error', () => undefined);
      call.on('status', (s: StatusObject) => {
        ended = s;
        finish();
      });
      if (requests.length === 0) {
        if (end === 'end') call.end();
        else if (end === 'cancel') call.cancel();
        return;
      }
      requests.forEach((request, i) => {
        const last = i === requests.length - 1;
        call.write(request, () => {
          if (!last) return;
          if (end === 'end') call.end();
          else if (end === 'cancel') call.cancel();
        });
      });
    });
  }

  close(): void {
    this.#client.close();
  }
}

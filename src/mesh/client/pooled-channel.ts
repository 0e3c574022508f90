/**
 * A channel the client pool can release without failing anyone: it counts the calls it carries,
 * `release()` closes its grpc-js channel (and so the connection) only while none is in flight,
 * and the next call opens a fresh one. Clients made on it (`channelOverride`) never see the
 * swap, so a pool can bound how many connections a process holds among 1,000 peers without a
 * call to an evicted peer failing.
 * @module
 */
import type { ChannelInterface, ChannelOptions } from '@grpc/grpc-js';
import { Channel, type ChannelCredentials } from '../wire/grpc-runtime.js';

type GrpcChannel = ChannelInterface;
type Call = ReturnType<GrpcChannel['createCall']>;
type Listener = Parameters<Call['start']>[1];

/** One pooled channel to one address. */
export class PooledChannel implements ChannelInterface {
  #channel: GrpcChannel | undefined;
  #calls = 0;
  #closed = false;

  /** @param onIdle - told when the last call in flight ends, so the pool may release channels it holds over its bound. */
  constructor(
    private readonly target: string,
    private readonly credentials: ChannelCredentials,
    private readonly options: ChannelOptions,
    private readonly onIdle: () => void = () => {},
  ) {}

  /** Calls started and not yet ended. */
  get callsInFlight(): number {
    return this.#calls;
  }

  /** Whether it holds a grpc-js channel now (a connection, or one being made or kept idle). */
  get open(): boolean {
    return this.#channel !== undefined;
  }

  #current(): GrpcChannel {
    if (this.#closed) throw new Error(`The channel to ${this.target} was closed with its pool.`);
    return (this.#channel ??= new Channel(this.target, this.credentials, this.options));
  }

  /**
   * Closes the grpc-js channel if no call is in flight; returns whether it did. The next call
   * opens a new one.
   */
  release(): boolean {
    if (this.#calls > 0 || this.#channel === undefined) return false;
    this.#channel.close();
    this.#channel = undefined;
    return true;
  }

  /** Closes for good: calls in flight keep their connection until they end (grpc-js closes it gracefully). */
  close(): void {
    this.#closed = true;
    this.#channel?.close();
    this.#channel = undefined;
  }

  getTarget(): string {
    return this.target;
  }

  getConnectivityState(tryToConnect: boolean): ReturnType<GrpcChannel['getConnectivityState']> {
    return this.#current().getConnectivityState(tryToConnect);
  }

  watchConnectivityState(...args: Parameters<GrpcChannel['watchConnectivityState']>): void {
    this.#current().watchConnectivityState(...args);
  }

  getChannelzRef(): ReturnType<GrpcChannel['getChannelzRef']> {
    return this.#current().getChannelzRef();
  }

  createCall(...args: Parameters<GrpcChannel['createCall']>): Call {
    const call = this.#current().createCall(...args);
    const start = call.start.bind(call);
    // Counted from its start to its status: grpc-js ends every started call with exactly one status.
    call.start = (metadata, listener: Listener) => {
      this.#calls += 1;
      start(metadata, {
        onReceiveMetadata: (m) => listener.onReceiveMetadata(m),
        onReceiveMessage: (m: unknown) => listener.onReceiveMessage(m),
        onReceiveStatus: (status) => {
          this.#calls -= 1;
          listener.onReceiveStatus(status);
          if (this.#calls === 0) this.onIdle();
        },
      });
    };
    return call;
  }
}

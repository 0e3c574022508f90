/**
 * Two channels per peer address, reused by every call to that peer: HTTP/2 multiplexes the
 * calls, so a connector never pays a new connection per operation. Waits and small questions go
 * on the control channel, objects on the transfer channel; their keepalive settings differ
 * (channel-options.ts).
 *
 * A process may talk to hundreds of peers (one per task on a crowded node), so the pool bounds
 * what it holds: a channel without calls for `idleMs` lets its connection go (grpc-js's own idle
 * timeout), and past `maxPeers` peers with a channel open, those used least recently give theirs
 * up as soon as no call is in flight on them (pooled-channel.ts); a later call reopens it.
 * @module
 */
import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { BatchClient } from './batch-client.js';
import { CONTROL_CHANNEL_OPTIONS, TRANSFER_CHANNEL_OPTIONS } from '../channel-options.js';
import { PeerClient, type ClientSettings } from './peer-client.js';
import { PooledChannel } from './pooled-channel.js';
import { channelCredentials } from '../security.js';
import { applyTcpConnectTimeout } from './tcp-connect-timeout.js';
import './connect-timeout.js';

// grpc-js puts no deadline on a connection attempt: a path that drops packets (a cut link, a
// host gone without a reset) leaves a channel CONNECTING until every call on it runs into its
// own deadline. nice-grpc's patch bounds each attempt by `grpc.min_reconnect_backoff_ms`
// (channel-options.ts), so a call to a dead owner fails within it. Importing nice-grpc applied
// it; clients no longer load nice-grpc (only this module of it), so connect-timeout.ts applies it. TCP has
// a shorter bound of its own, so that only a host that is gone is reported quickly.
applyTcpConnectTimeout();

/** How much a pool holds. */
export interface PoolLimits {
  /** Peers whose channels stay open once their calls end; the least recently used beyond it are released. */
  readonly maxPeers: number;
  /** A channel with no call for this long closes its connection (reopened by the next call). */
  readonly idleMs: number;
}

/** 256 peers (two sockets each at most), and a minute of idleness: a workflow's pauses keep their connections. */
const DEFAULT_POOL_LIMITS: PoolLimits = { maxPeers: 256, idleMs: 60_000 };

interface Entry {
  readonly client: PeerClient;
  readonly control: PooledChannel;
  readonly transfer: PooledChannel;
  batch?: BatchClient;
}

/** What a pool holds now. */
export interface PoolStats {
  /** Peers it has a client for. */
  readonly peers: number;
  /** Peers with a channel open (connected, connecting or idle), at most `maxPeers` once calls end. */
  readonly openPeers: number;
  /** Calls in flight on all its channels. */
  readonly callsInFlight: number;
}

/** Clients by peer address; `close()` closes every channel. */
export class ClientPool {
  /** In order of last use, the least recent first. */
  readonly #entries = new Map<string, Entry>();
  readonly #credentials: ChannelCredentials;
  readonly #control: ChannelOptions;
  readonly #transfer: ChannelOptions;

  /** @throws InvalidArgumentError when the TLS files cannot be read. */
  constructor(
    private readonly settings: ClientSettings,
    private readonly limits: PoolLimits = DEFAULT_POOL_LIMITS,
  ) {
    this.#credentials = channelCredentials(settings.tls);
    const idle = { 'grpc.client_idle_timeout_ms': limits.idleMs };
    this.#control = { ...CONTROL_CHANNEL_OPTIONS, ...idle };
    this.#transfer = { ...TRANSFER_CHANNEL_OPTIONS, ...idle };
  }

  /** The client of the peer at `address`, creating its channels on first use. */
  client(address: string): PeerClient {
    return this.#entry(address).client;
  }

  /** The batch client of the peer at `address`, on the transfer channel of `client(address)`. */
  batch(address: string): BatchClient {
    const entry = this.#entry(address);
    return (entry.batch ??= new BatchClient(address, entry.transfer, this.#credentials, this.settings));
  }

  /** What the pool holds now. */
  stats(): PoolStats {
    let openPeers = 0;
    let callsInFlight = 0;
    for (const e of this.#entries.values()) {
      if (e.control.open || e.transfer.open) openPeers += 1;
      callsInFlight += e.control.callsInFlight + e.transfer.callsInFlight;
    }
    return { peers: this.#entries.size, openPeers, callsInFlight };
  }

  #entry(address: string): Entry {
    let entry = this.#entries.get(address);
    if (entry) {
      // Most recently used last: a Map keeps insertion order.
      this.#entries.delete(address);
    } else {
      const trim = (): void => this.#trim();
      const control = new PooledChannel(address, this.#credentials, this.#control, trim);
      const transfer = new PooledChannel(address, this.#credentials, this.#transfer, trim);
      entry = { client: new PeerClient(address, { control, transfer }, this.#credentials, this.settings), control, transfer };
      this.#entries.set(address, entry);
      this.#trim();
      return entry;
    }
    this.#entries.set(address, entry);
    return entry;
  }

  /** Releases the channels of the least recently used peers beyond `maxPeers`, skipping any with a call in flight. */
  #trim(): void {
    if (this.#entries.size <= this.limits.maxPeers) return;
    let open = 0;
    for (const e of this.#entries.values()) if (e.control.open || e.transfer.open) open += 1;
    for (const e of this.#entries.values()) {
      if (open <= this.limits.maxPeers) return;
      if (!e.control.open && !e.transfer.open) continue;
      if (e.control.callsInFlight + e.transfer.callsInFlight > 0) continue;
      e.control.release();
      e.transfer.release();
      open -= 1;
    }
  }

  /** Closes every channel: calls still waiting for a connection fail, those under way finish. */
  close(): void {
    for (const e of this.#entries.values()) {
      e.control.close();
      e.transfer.close();
    }
    this.#entries.clear();
  }
}

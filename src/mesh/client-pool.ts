/**
 * Two channels per peer address, reused by every call to that peer: HTTP/2 multiplexes the
 * calls, so a connector never pays a new connection per operation. Waits and small questions go
 * on the control channel, objects on the transfer channel; their keepalive settings differ
 * (channel-options.ts).
 * @module
 */
import { Channel, type ChannelCredentials } from '@grpc/grpc-js';
import { BatchClient } from './batch-client.js';
import { CONTROL_CHANNEL_OPTIONS, TRANSFER_CHANNEL_OPTIONS } from './channel-options.js';
import { PeerClient, type ClientSettings, type PeerChannels } from './peer-client.js';
import { channelCredentials } from './security.js';
import { applyConnectTimeoutPatch } from 'nice-grpc/lib/client/connectTimeoutPatch.js';

// grpc-js puts no deadline on a connection attempt: a path that drops packets (a cut link, a
// host gone without a reset) leaves a channel CONNECTING until every call on it runs into its
// own deadline. nice-grpc's patch bounds each attempt by `grpc.min_reconnect_backoff_ms`
// (channel-options.ts), so a call to a dead owner fails within it. Importing nice-grpc applied
// it; clients no longer load nice-grpc (only this module of it), so it is applied here.
applyConnectTimeoutPatch();

/** Clients by peer address; `close()` closes every channel. */
export class ClientPool {
  readonly #clients = new Map<string, { client: PeerClient; channels: PeerChannels; batch?: BatchClient }>();

  readonly #credentials: ChannelCredentials;

  /** @throws InvalidArgumentError when the TLS files cannot be read. */
  constructor(private readonly settings: ClientSettings) {
    this.#credentials = channelCredentials(settings.tls);
  }

  /** The client of the peer at `address`, creating its channels on first use. */
  client(address: string): PeerClient {
    return this.#entry(address).client;
  }

  /** The batch client of the peer at `address`, on the transfer channel of `client(address)`. */
  batch(address: string): BatchClient {
    const entry = this.#entry(address);
    return (entry.batch ??= new BatchClient(address, entry.channels.transfer, this.#credentials, this.settings));
  }

  #entry(address: string): { client: PeerClient; channels: PeerChannels; batch?: BatchClient } {
    let entry = this.#clients.get(address);
    if (!entry) {
      const channels: PeerChannels = {
        control: new Channel(address, this.#credentials, CONTROL_CHANNEL_OPTIONS),
        transfer: new Channel(address, this.#credentials, TRANSFER_CHANNEL_OPTIONS),
      };
      entry = { client: new PeerClient(address, channels, this.#credentials, this.settings), channels };
      this.#clients.set(address, entry);
    }
    return entry;
  }

  /** Closes every channel; calls in flight on them fail. */
  close(): void {
    for (const { channels } of this.#clients.values()) {
      channels.control.close();
      channels.transfer.close();
    }
    this.#clients.clear();
  }
}

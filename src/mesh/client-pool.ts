/**
 * One channel per peer address, reused by every call to that peer: HTTP/2 multiplexes the
 * calls, so a connector never pays a new connection per operation.
 * @module
 */
import { Channel, type ChannelCredentials } from '@grpc/grpc-js';
import { BatchClient } from './batch-client.js';
import { CLIENT_CHANNEL_OPTIONS } from './channel-options.js';
import { PeerClient, type ClientSettings } from './peer-client.js';
import { channelCredentials } from './security.js';

/** Clients by peer address; `close()` closes every channel. */
export class ClientPool {
  readonly #clients = new Map<string, { client: PeerClient; channel: Channel; batch?: BatchClient }>();

  readonly #credentials: ChannelCredentials;

  /** @throws InvalidArgumentError when the TLS files cannot be read. */
  constructor(private readonly settings: ClientSettings) {
    this.#credentials = channelCredentials(settings.tls);
  }

  /** The client of the peer at `address`, creating its channel on first use. */
  client(address: string): PeerClient {
    let entry = this.#clients.get(address);
    if (!entry) {
      const channel = new Channel(address, this.#credentials, CLIENT_CHANNEL_OPTIONS);
      entry = { client: new PeerClient(address, channel, this.#credentials, this.settings), channel };
      this.#clients.set(address, entry);
    }
    return entry.client;
  }

  /** The batch client of the peer at `address`, on the same channel as `client(address)`. */
  batch(address: string): BatchClient {
    this.client(address);
    const entry = this.#clients.get(address)!;
    return (entry.batch ??= new BatchClient(address, entry.channel, this.settings));
  }

  /** Closes every channel; calls in flight on them fail. */
  close(): void {
    for (const { channel } of this.#clients.values()) channel.close();
    this.#clients.clear();
  }
}

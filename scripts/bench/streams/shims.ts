/**
 * The publisher and subscriber of each shim, as the bench roles open them.
 * @module
 */
import type { Publisher, Subscriber } from '../../../src/stream/protocols.js';
import { MeshTopicPublisher, MeshTopicSubscriber } from '../../../src/stream/shims/mesh-topic.js';
import { RedisPublisher, RedisSubscriber } from '../../../src/stream/shims/redis-pubsub.js';
import { RedisStreamPublisher, RedisStreamSubscriber } from '../../../src/stream/shims/redis-streams.js';
import type { StreamRoleArgs } from './types.js';

/** The producer's publisher; `peer` is the producer's own peer, which holds mesh topics. */
export function openPublisher(args: StreamRoleArgs, peer: string): Publisher {
  if (args.shim === 'redis-pubsub') return new RedisPublisher(args.redisUrl);
  if (args.shim === 'redis-streams') return new RedisStreamPublisher(args.redisUrl);
  return new MeshTopicPublisher(peer);
}

/** The consumer's subscriber of `topic`, subscribed once this resolves (pub/sub keeps nothing for late subscribers). */
export async function openSubscriber(args: StreamRoleArgs, topic: string): Promise<Subscriber> {
  if (args.shim === 'redis-pubsub') {
    const subscriber = new RedisSubscriber(args.redisUrl, topic);
    await subscriber.ready();
    return subscriber;
  }
  // Streams and mesh topics keep what is published before the subscriber reads.
  if (args.shim === 'redis-streams') return new RedisStreamSubscriber(args.redisUrl, topic);
  return new MeshTopicSubscriber(args.peer ?? '', topic);
}

/**
 * The contract's Publish and Subscribe over a peer's topic table (topic-table.ts), as grpc-js
 * handlers. They pass the same gate as every PeerService call (the token check, the refusal of
 * undecodable messages, errors as statuses in status.ts), and Subscribe writes as the stream
 * drains, so a subscriber that stops reading stops taking events off the topic.
 * @module
 */
import type { UntypedServiceImplementation, handleServerStreamingCall, handleUnaryCall } from '@grpc/grpc-js';
import type { PublishRequest, PublishResponse, SubscribeRequest, SubscribeResponse } from '../../../gen/proxymesh/v1/peer.js';
import { cancelSignal, drained, failStream, type Guard } from './grpc-handlers.js';
import { toStatus } from '../status.js';
import { asBuffer } from '../wire/buffer-view.js';
import { checkDecoded } from './tolerant-decode.js';
import type { TopicTable } from './topic-table.js';

/** Publish: answers once the event is in the topic's buffer; a cancelled call adds nothing. */
function publish(topics: TopicTable, guard: Guard): handleUnaryCall<PublishRequest, PublishResponse> {
  return (call, callback) => {
    let sequence: Promise<bigint>;
    try {
      guard(call.metadata);
      checkDecoded(call.request, 'Publish');
      sequence = topics.publish(call.request.topic, call.request.event, cancelSignal(call));
    } catch (error) {
      callback(toStatus(error));
      return;
    }
    sequence.then(
      (value) => callback(null, { sequence: value }),
      (error: unknown) => callback(toStatus(error)),
    );
  };
}

/** Subscribe: the topic's events until the client cancels (or the peer shuts down). */
function subscribe(topics: TopicTable, guard: Guard): handleServerStreamingCall<SubscribeRequest, SubscribeResponse> {
  return (call) => {
    let subscription: ReturnType<TopicTable['subscribe']>;
    try {
      guard(call.metadata);
      checkDecoded(call.request, 'Subscribe');
      subscription = topics.subscribe(call.request.topic);
    } catch (error) {
      failStream(call, error);
      return;
    }
    const joined = subscription;
    cancelSignal(call).addEventListener('abort', () => joined.leave(), { once: true });
    void (async () => {
      for (;;) {
        const next = await joined.next();
        if (next === undefined || call.cancelled) return;
        const room = call.write({ sequence: next.sequence, event: asBuffer(next.event) });
        // Written to the stream: the topic may drop it once every subscriber is past it.
        joined.advance();
        if (!room) await drained(call);
      }
    })().catch((error: unknown) => {
      joined.leave();
      failStream(call, error);
    });
  };
}

/**
 * Handlers of Publish and Subscribe, to merge into the PeerService implementation.
 * @param topics - the peer's topics.
 * @param guard - the token check every PeerService call passes.
 */
export function topicService(topics: TopicTable, guard: Guard): UntypedServiceImplementation {
  return { publish: publish(topics, guard), subscribe: subscribe(topics, guard) };
}

/**
 * The fuzz test's cases for topics (Publish, Subscribe): bad topic names get INVALID_ARGUMENT with
 * a sentence, a subscriber receives a prefix of what was published, in order and unchanged, and
 * cancelled subscriptions end as CANCELLED. Each case uses a topic of its own.
 */
import { status } from '@grpc/grpc-js';
import { PublishRequest, PublishResponse, SubscribeRequest, SubscribeResponse } from '../../gen/proxymesh/v1/peer.js';
import type { Prng } from '../../scripts/lib/prng.js';
import { grpcSays, peerSays, type Scope } from './cases.js';

const publish = (topic: string, event: Buffer): Buffer => Buffer.from(PublishRequest.encode({ topic, event }).finish());
const subscribe = (topic: string): Buffer => Buffer.from(SubscribeRequest.encode({ topic }).finish());

/** One topic case, chosen by `rng`. */
export async function topicCall(rng: Prng, s: Scope): Promise<void> {
  const topic = `fuzz-${rng.hex(16)}`;
  switch (rng.int(0, 2)) {
    case 0: {
      const name = rng.chance(0.5) ? '' : 't'.repeat(rng.int(257, 4000));
      // Made here, not at load: cases.ts imports this module, so its exports are not there yet then.
      const badName = peerSays(status.INVALID_ARGUMENT, /a topic name must be 1 to 256 bytes/);
      if (rng.chance(0.5)) await s.unary('topic: bad name', 'Publish', publish(name, rng.bytes(rng.int(0, 64))), badName);
      else await s.serverStream('topic: bad name', 'Subscribe', subscribe(name), badName);
      return;
    }
    case 1: {
      // Published in order; whatever the subscriber got before it left is a prefix of that, unchanged.
      const events = Array.from({ length: rng.int(1, 6) }, () => rng.bytes(rng.int(0, 5000)));
      for (const [i, event] of events.entries()) {
        const outcome = await s.unary('topic: publish', 'Publish', publish(topic, event), { codes: [status.OK], fromPeer: false });
        const sequence = outcome.responses[0] && PublishResponse.decode(outcome.responses[0]).sequence;
        if (outcome.code === status.OK && sequence !== BigInt(i + 1)) s.fail(`Publish ${i + 1} answered sequence ${String(sequence)}`);
      }
      const outcome = await s.serverStream('topic: subscribe, then leave', 'Subscribe', subscribe(topic), grpcSays(status.CANCELLED), { cancelAfterMs: rng.int(20, 200) });
      outcome.responses.forEach((bytes, i) => {
        const message = SubscribeResponse.decode(bytes);
        if (message.sequence !== BigInt(i + 1) || !Buffer.from(message.event).equals(events[i] ?? Buffer.alloc(0))) s.fail(`Subscribe message ${i + 1} is not the event published ${i + 1}th`);
      });
      return;
    }
    default:
      await s.serverStream('topic: subscribe, cancelled', 'Subscribe', subscribe(topic), grpcSays(status.CANCELLED), { cancelAfterMs: rng.int(0, 50) });
  }
}

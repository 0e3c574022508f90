/**
 * A consumer process for the stream tests: follows a topic held by a peer in another process
 * and resolves each proxy from its owner. Commands as in test/fixtures/mesh-node.ts.
 */
import { createHash } from 'node:crypto';
import { StreamConsumer } from '../../src/stream/consumer.js';
import { MeshTopicSubscriber } from '../../src/stream/shims/mesh-topic.js';
import { serveCommands } from '../helpers/serve-commands.js';

type Command = { id: number; op: string; peer?: string; topic?: string };

async function run(c: Command): Promise<unknown> {
  switch (c.op) {
    case 'consume': {
      // Each object's index (from its metadata) and the digest of its text, read through its proxy.
      await using consumer = new StreamConsumer<{ text: string }>(new MeshTopicSubscriber(c.peer ?? '', c.topic ?? ''));
      const seen: { index: unknown; sha256: string }[] = [];
      for await (const [metadata, proxy] of consumer.iterWithMetadata()) {
        seen.push({ index: metadata.index, sha256: createHash('sha256').update(proxy.text).digest('hex') });
      }
      await consumer.close({ stores: true });
      return seen;
    }
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

serveCommands(run);

/**
 * A fresh consumer process (argv: system, target, size, what names the staged object as JSON)
 * that gets one large object once and reports its own peak resident memory before and after:
 * `process.resourceUsage().maxRSS`, measured inside this process.
 * @module
 */
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { MeshConnector, type MeshKey } from '../../../src/index.js';
import { TRANSFER_CHANNEL_OPTIONS } from '../../../src/mesh/channel-options.js';
import { streamGet } from '../drivers/grpc.js';
import { RAW_SERVICE } from '../lib/raw-grpc.js';
import { serve } from '../lib/serve.js';
import { nowUs } from '../lib/stats.js';

const [system, target = '', sizeText, staged = 'null'] = process.argv.slice(2);
const size = Number(sizeText);

async function getOnce(): Promise<number> {
  switch (system) {
    case 'proxymesh': {
      const mesh = new MeshConnector({ peer: target });
      const length = (await mesh.get(JSON.parse(staged) as MeshKey))?.data.byteLength ?? 0;
      await mesh.close();
      return length;
    }
    case 'grpc-stream': {
      const Raw = makeGenericClientConstructor(RAW_SERVICE, 'Raw');
      const client = new Raw(`127.0.0.1:${target}`, credentials.createInsecure(), TRANSFER_CHANNEL_OPTIONS);
      const length = (await streamGet(client, size)).byteLength;
      client.close();
      return length;
    }
    case 'redis': {
      const redis = new Redis({ port: Number(target), host: '127.0.0.1' });
      const length = (await redis.getBuffer(JSON.parse(staged) as string))?.byteLength ?? 0;
      redis.disconnect();
      return length;
    }
    default:
      throw new Error(`consumer: unknown system ${system}`);
  }
}

const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

await serve({
  get: async () => {
    const before = maxRss();
    const t = nowUs();
    const length = await getOnce();
    const seconds = (nowUs() - t) / 1e6;
    if (length !== size) throw new Error(`consumer got ${length} of ${size} bytes`);
    return { beforeBytes: before, peakBytes: maxRss(), seconds };
  },
});

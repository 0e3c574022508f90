import { randomUUID } from 'node:crypto';
import { RedisConnector } from '../../src/connectors/redis.js';
import { redisUrl } from '../setup/redis-url.js';
import { connectorConformance } from './connector-suite.js';

// Each connector gets its own prefix, whose keys `clear: true` deletes when the suite closes it.
connectorConformance('redis', {
  create: () => Promise.resolve(new RedisConnector({ url: redisUrl(), prefix: `conformance:${randomUUID()}:`, clear: true })),
});

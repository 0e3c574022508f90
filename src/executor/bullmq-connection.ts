/**
 * What the BullMQ client and worker share: the Redis connection options and the optional
 * import of bullmq itself.
 * @module
 */
import type * as Bullmq from 'bullmq';

/**
 * How BullMQ reaches Redis: ioredis options (`host`, `port`, `path` for a Unix socket,
 * `password`, `tls`, ...), passed on as they are. BullMQ opens its own connections from them.
 */
export type RedisConnectionOptions = Readonly<Record<string, unknown>>;

/** Options both sides of the BullMQ engine take. */
export interface BullmqOptions {
  /** The queue's name: the client and its workers must use the same one. */
  readonly queue: string;
  /** How to reach Redis. */
  readonly connection: RedisConnectionOptions;
  /** The prefix of the queue's Redis keys. Default BullMQ's (`bull`). */
  readonly prefix?: string | undefined;
}

/**
 * Imports bullmq, an optional dependency.
 * @param who - the function that needs it, for the error.
 * @returns the module.
 * @throws Error when bullmq is not installed.
 */
export async function importBullmq(who: string): Promise<typeof Bullmq> {
  return import('bullmq').catch((error: unknown) => {
    throw new Error(`${who} needs the optional dependency bullmq: install it with \`npm install bullmq\`.`, { cause: error });
  });
}

/**
 * The queue options BullMQ's constructors take.
 * @param options - the shared options.
 * @returns connection and prefix.
 */
export function queueOptions(options: BullmqOptions): { connection: Record<string, unknown>; prefix?: string } {
  return { connection: { ...options.connection }, ...(options.prefix !== undefined ? { prefix: options.prefix } : {}) };
}

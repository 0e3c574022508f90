/**
 * Whether this process shares a peer's shared-memory directory (the contract's Locate), asked
 * once per incarnation of the peer and remembered: the client side of same-host handoff decides
 * by it whether to write and read files or to stream.
 * @module
 */
import type { Client } from '@grpc/grpc-js';
import type { LocateResponse } from '../../../gen/proxymesh/v1/peer.js';
import { sharedDirectoryOf } from '../wire/shared-files.js';

/** How long a call waits for the answer to Locate before it streams instead (the handoff is an optimisation). */
export const LOCATE_WAIT_MS = 500;
/**
 * Locate's own deadline. Short: its answer only speeds up later calls, so a peer that cannot
 * answer within it is asked again by the next call rather than waited for.
 */
export const LOCATE_DEADLINE_MS = 2_000;

/** Locate's answer for one incarnation: pending, or settled with the directory (or none). */
interface Located {
  incarnation: string | undefined;
  directory: Promise<string | undefined>;
  settled: boolean;
  value: string | undefined;
}

/** One peer's shared-memory directory, as this process sees it. */
export class Locality {
  #located: Located | undefined;

  /**
   * @param enabled - false: never asks, and every answer is "none" (`sharedFiles: false`).
   * @param locate - calls Locate on the given channel's client.
   */
  constructor(
    private readonly enabled: boolean,
    private readonly locate: (client: Client) => Promise<LocateResponse>,
  ) {}

  /**
   * The directory of the peer's incarnation `incarnation` (the one that made the key at hand; for
   * a put, whichever runs now), when this process shares it; asked on `client`: the channel of
   * the call that follows, so a fresh process's first set or get opens one connection, not two.
   * A peer that does not answer Locate (an older or foreign one) has none; a Locate that failed
   * is asked again by the next call.
   */
  directory(incarnation: string | undefined, client: Client): Promise<string | undefined> {
    if (!this.enabled) return Promise.resolve(undefined);
    const cached = this.#located;
    if (cached !== undefined && (incarnation === undefined || cached.incarnation === incarnation)) return cached.directory;
    const entry: Located = { incarnation, directory: Promise.resolve(undefined), settled: false, value: undefined };
    entry.directory = this.locate(client).then(
      async (located) => {
        entry.incarnation = located.incarnation;
        const directory = incarnation === undefined || located.incarnation === incarnation ? await sharedDirectoryOf(located) : undefined;
        Object.assign(entry, { settled: true, value: directory });
        return directory;
      },
      () => {
        if (this.#located === entry) this.#located = undefined;
        return undefined;
      },
    );
    this.#located = entry;
    return entry.directory;
  }

  /**
   * `directory`, waited for at most LOCATE_WAIT_MS: a peer that is slow to answer, or cut off,
   * costs a call that much at most (it streams instead), while its answer, when it comes, is
   * kept for the calls after it.
   */
  soon(incarnation: string | undefined, client: Client): Promise<string | undefined> {
    // Known already (every call after the first): no timer and no race on each get or wait.
    const cached = this.#located;
    if (cached?.settled === true && (incarnation === undefined || cached.incarnation === incarnation)) return Promise.resolve(cached.value);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LOCATE_WAIT_MS);
      timer.unref();
    });
    return Promise.race([this.directory(incarnation, client), late]).finally(() => clearTimeout(timer));
  }
}

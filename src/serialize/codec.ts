/**
 * The codec contract: how one kind of value becomes tagged bytes and back. A payload carries
 * its codec's tag, so whoever reads it (in any process or language) knows how to decode it.
 * @module
 */

/**
 * Encodes and decodes one kind of value. Codecs are tried in order by `supports`; the first
 * that accepts a value writes it, and its `tag` travels with the bytes.
 * @example
 * ```ts
 * const pointCodec: Codec<Point> = {
 *   tag: 'app.point',
 *   supports: (v): v is Point => v instanceof Point,
 *   encode: (p) => new Uint8Array(new Float64Array([p.x, p.y]).buffer),
 *   decode: (data) => {
 *     const xy = new Float64Array(data.slice().buffer);
 *     return new Point(xy[0] ?? 0, xy[1] ?? 0);
 *   },
 * };
 * registerCodec(pointCodec);
 * ```
 */
export interface Codec<T = unknown> {
  /** The identifier written with every payload: 1 to 64 characters of `[A-Za-z0-9._+/-]`. */
  readonly tag: string;
  /**
   * Whether this codec can write `value` faithfully. Called for every value serialised
   * before this codec's turn, so it must be cheap and must not throw.
   * @param value - any value.
   * @returns true to claim the value.
   */
  supports(value: unknown): value is T;
  /**
   * Writes a value this codec claimed.
   * @param value - a value `supports` accepted.
   * @returns the bytes; the caller owns them.
   * @throws any error; the serialiser reports it as a `SerializationError` naming the tag.
   */
  encode(value: T): Uint8Array;
  /**
   * Reads what `encode` wrote.
   * @param data - the payload bytes; treat them as read-only.
   * @returns the decoded value.
   * @throws any error; the deserialiser reports it as a `SerializationError` naming the tag and key.
   */
  decode(data: Uint8Array): T;
}

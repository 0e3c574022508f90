/**
 * How bad input is quoted in error messages: as JSON, safe for values JSON cannot encode
 * (bigints, cycles), and cut short, because a message must name the input without becoming as
 * large as it (a 100 kB key quoted whole in a gRPC status overflows HTTP/2 header limits).
 * @module
 */

/** The longest quote, in characters, before it is cut with an ellipsis. */
export const MAX_QUOTE = 160;

/** The input as JSON (or a description when JSON cannot encode it), at most `MAX_QUOTE` long. */
export function describeInput(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = typeof value === 'bigint' ? `${value}n` : Object.prototype.toString.call(value);
  }
  return text.length <= MAX_QUOTE ? text : `${text.slice(0, MAX_QUOTE)}… (${text.length} characters)`;
}

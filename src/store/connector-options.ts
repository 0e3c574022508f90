/**
 * What of a store call's options reaches its connector: the call options (signal, deadline),
 * never the store's own (serializer, default…), and, where a new key is made, the tags a
 * `MultiConnector` routes by.
 * @module
 */
import type { PlacementOptions } from '../connectors/multi-policy.js';
import type { CallOptions } from '../core/protocol.js';

/**
 * The call options alone.
 * @param o - a store call's options.
 * @returns its signal and deadline.
 */
export const callOptions = (o: CallOptions): CallOptions => ({ signal: o.signal, timeoutMs: o.timeoutMs });

/**
 * The call options and the placement tags (other connectors than `MultiConnector` ignore them).
 * @param o - the options of a store call that makes a key.
 * @returns its signal, deadline and tags.
 */
export const placementOptions = (o: CallOptions & PlacementOptions): CallOptions & PlacementOptions => ({
  ...callOptions(o),
  ...(o.subsetTags !== undefined ? { subsetTags: o.subsetTags } : {}),
  ...(o.supersetTags !== undefined ? { supersetTags: o.supersetTags } : {}),
});

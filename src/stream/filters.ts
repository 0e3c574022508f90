/**
 * Ready-made filters (protocols.ts `Filter`): `true` drops the object.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Filter } from './protocols.js';

/** Drops nothing. */
export const nullFilter: Filter = () => false;

/**
 * Drops each object with probability `p`, whatever its metadata.
 * @param p - the probability, in [0, 1].
 * @param random - the source of randomness, `Math.random` by default (tests pass their own).
 * @returns the filter.
 * @throws InvalidArgumentError when `p` is outside [0, 1].
 */
export function samplingFilter(p: number, random: () => number = Math.random): Filter {
  if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(`A sampling filter's probability must be in [0, 1]; got ${p}.`);
  return () => random() <= p;
}

/**
 * The stream's own error, alongside the library's (src/errors.ts).
 * @module
 */
import { ProxyMeshError } from '../errors.js';

/** A producer sent to a topic it had closed, or a consumer read past the end of its topic. */
export class TopicClosedError extends ProxyMeshError {
  /** The class name, for checks by name across realms. */
  override name = 'TopicClosedError';
}

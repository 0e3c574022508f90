/**
 * Object ids: what the object table, the File and the Redis connectors name a new object by.
 * Apart from the table, so a connector that keeps its objects elsewhere needs only this.
 * @module
 */
import { randomBytes } from 'node:crypto';

/** A fresh random object id: 32 lowercase hex digits. */
export function newObjectId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The forms of a mesh key's parts, defined once: the key parser (mesh/key.ts) checks them, and a
 * host read (host-reads.ts) checks them again before it makes a file path of them, since it may
 * be handed a key that never went through the parser.
 * @module
 */

const INCARNATION = /^[0-9a-f]{16}$/;
const OBJECT_ID = /^[0-9a-f]{32}$/;

/** Whether `text` is a peer incarnation: 16 lowercase hex digits, new at every start of a peer. */
export const isIncarnation = (text: string): boolean => INCARNATION.test(text);

/** Whether `text` is an object id: 32 lowercase hex digits. */
export const isObjectId = (text: string): boolean => OBJECT_ID.test(text);

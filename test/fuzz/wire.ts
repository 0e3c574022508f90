/**
 * Protobuf wire encoding by hand, for the fuzz test: it can write what a well-behaved encoder
 * never would (negative or 64-bit values in any field, wrong wire types, bad UTF-8, huge
 * strings), field numbers as `peer.proto` defines them.
 */

/** Wire types of the protobuf encoding. */
export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const MASK64 = (1n << 64n) - 1n;

/** A varint: a negative value is written as its 64-bit two's complement (ten bytes), like int64. */
export function varint(value: bigint | number): Buffer {
  let v = BigInt(value) & MASK64;
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? low : low | 0x80);
  } while (v !== 0n);
  return Buffer.from(out);
}

/** A protobuf message under construction: fields are appended in the order written. */
export class Proto {
  readonly #parts: Buffer[] = [];

  #tag(field: number, wireType: number): void {
    this.#parts.push(varint((BigInt(field) << 3n) | BigInt(wireType)));
  }

  /** A varint field (uint64, uint32, bool, int64 all share it). */
  int(field: number, value: bigint | number): this {
    this.#tag(field, WireType.varint);
    this.#parts.push(varint(value));
    return this;
  }

  /** A length-delimited field: string, bytes or embedded message. */
  bytes(field: number, value: Buffer | string | Proto): this {
    const body = value instanceof Proto ? value.finish() : typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.#tag(field, WireType.bytes);
    this.#parts.push(varint(body.byteLength), body);
    return this;
  }

  /** A length-delimited field whose length prefix lies (claims `claimed` bytes, carries `body`). */
  lyingBytes(field: number, claimed: bigint | number, body: Buffer): this {
    this.#tag(field, WireType.bytes);
    this.#parts.push(varint(claimed), body);
    return this;
  }

  /** A field with an arbitrary tag (any wire type) followed by arbitrary bytes. */
  rawField(field: number, wireType: number, body: Buffer): this {
    this.#tag(field, wireType);
    this.#parts.push(body);
    return this;
  }

  /** Bytes appended as they are. */
  raw(bytes: Buffer): this {
    this.#parts.push(bytes);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** `proxymesh.v1.Key` fields, any of which may be absent or arbitrary. */
export interface WireKey {
  readonly peer?: string | Buffer | undefined;
  readonly incarnation?: string | Buffer | undefined;
  readonly id?: string | Buffer | undefined;
}

/** `Key`: peer = 1, incarnation = 2, id = 3. */
export function keyMessage(key: WireKey): Proto {
  const p = new Proto();
  if (key.peer !== undefined) p.bytes(1, key.peer);
  if (key.incarnation !== undefined) p.bytes(2, key.incarnation);
  if (key.id !== undefined) p.bytes(3, key.id);
  return p;
}

/** A request whose only field is `Key key = 1` (Get, Exists, Evict, Await). */
export function keyRequest(key: WireKey | undefined): Buffer {
  return key === undefined ? Buffer.alloc(0) : new Proto().bytes(1, keyMessage(key)).finish();
}

/** `ObjectHeader`: codec = 1, size = 2. */
export function objectHeader(codec: string | Buffer, size: bigint | number): Proto {
  return new Proto().bytes(1, codec).int(2, size);
}

/** `PutRequest`/`SetRequest` oneof `part`: header = 1, data = 2, trailer = 3. */
export const part = {
  putHeader: (codec: string | Buffer, size: bigint | number): Buffer => new Proto().bytes(1, objectHeader(codec, size)).finish(),
  setHeader: (key: WireKey | undefined, object: Proto | undefined, capability?: string | Buffer): Buffer => {
    const header = new Proto();
    if (key !== undefined) header.bytes(1, keyMessage(key));
    if (object !== undefined) header.bytes(2, object);
    if (capability !== undefined) header.bytes(3, capability);
    return new Proto().bytes(1, header).finish();
  },
  /** A Set header that hands the value over as a file (`SetHeader.file` = 5: name, codec, size, crc32c). */
  setFileHeader: (key: WireKey, name: string | Buffer, size: bigint | number, capability: string): Buffer => {
    const file = new Proto().bytes(1, name).bytes(2, 'bytes').int(3, size);
    return new Proto().bytes(1, new Proto().bytes(1, keyMessage(key)).bytes(5, file).bytes(3, capability)).finish();
  },
  data: (bytes: Buffer): Buffer => new Proto().bytes(2, bytes).finish(),
  trailer: (crc32c: bigint | number): Buffer => new Proto().bytes(3, new Proto().int(1, crc32c)).finish(),
};

/**
 * A minimal reader of the protobuf wire format, for the Kubernetes protobuf responses the product decodes
 * selectively (pod lists): varints, length-delimited fields, and skipping of any field it is not asked for.
 * Skipping a length-delimited field costs nothing whatever it holds, which is why a protobuf list of 100,000
 * pods is read several times faster than the same list as JSON: only the fields the views need are decoded.
 */

/** The 4 bytes that start every Kubernetes protobuf body ("k8s\0"), before its runtime.Unknown envelope. */
export const KUBERNETES_PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** Thrown for a body that is not valid protobuf (truncated, a length past the end, an unknown wire type). */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** A cursor over a buffer; `pos` advances as fields are read. */
export class ProtobufReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** An unsigned varint up to 2^53 (Kubernetes never sends larger counts or lengths). */
  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    if (b < 0x80) return b;
    let x = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 10; i++) {
      if (this.pos >= this.end) break;
      b = buf[this.pos++]!;
      x += (b & 0x7f) * mul;
      if (b < 0x80) return x;
      mul *= 0x80;
    }
    throw new ProtobufError(`malformed varint before byte ${this.pos}`);
  }

  /** A signed int64/int32 varint (negatives are ten-byte two's complement on the wire). */
  int(): number {
    const start = this.pos;
    const x = this.varint();
    if (x < 2 ** 53) return x;
    // Past double precision (a negative number): read it again exactly.
    let v = 0n;
    let shift = 0n;
    for (let i = start; i < this.pos; i++, shift += 7n) v |= BigInt(this.buf[i]! & 0x7f) << shift;
    return Number(BigInt.asIntN(64, v));
  }

  /** The end position of a length-delimited field whose length is next; checked against the message's end. */
  lengthEnd(): number {
    const n = this.varint();
    const e = this.pos + n;
    if (e > this.end)
      throw new ProtobufError(`a field of ${n} bytes at byte ${this.pos} runs past the end (${this.end})`);
    return e;
  }

  /** A length-delimited string (UTF-8; an all-ASCII one by the cheaper one-byte copy). */
  string(): string {
    const e = this.lengthEnd();
    const s = this.pos;
    this.pos = e;
    return utf8(this.buf, s, e);
  }

  /** Reads a length-delimited field and tells whether its bytes equal `expected` (no string is made). */
  bytesEqual(expected: Buffer): boolean {
    const e = this.lengthEnd();
    const s = this.pos;
    this.pos = e;
    if (e - s !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) if (this.buf[s + i] !== expected[i]) return false;
    return true;
  }

  /** Skips the value of a field of the given wire type. */
  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_BYTES) this.pos = this.lengthEnd();
    else if (wireType === WIRE_FIXED64) this.pos += 8;
    else if (wireType === WIRE_FIXED32) this.pos += 4;
    else throw new ProtobufError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    if (this.pos > this.end) throw new ProtobufError(`a field runs past the end (${this.end})`);
  }

  /** A map<string,string> entry (field 1 key, field 2 value) ending at `end`, stored into `into`. */
  mapEntry(end: number, into: Record<string, string>): void {
    let key = '';
    let value = '';
    while (this.pos < end) {
      const tag = this.varint();
      if (tag === 0x0a) key = this.string();
      else if (tag === 0x12) value = this.string();
      else this.skip(tag & 7);
    }
    into[key] = value;
  }
}

/** Decodes bytes [s, e) as UTF-8, taking the one-byte path when they are all ASCII (most Kubernetes strings). */
export function utf8(buf: Buffer, s: number, e: number): string {
  for (let i = s; i < e; i++) if (buf[i]! > 0x7f) return buf.toString('utf8', s, e);
  return latin1(buf, s, e);
}

/**
 * Bytes [s, e) as a one-byte string: Buffer's own latin1 slice, without toString's argument checks (it is called
 * for every string of a list, and for the byte keys of shared parts).
 */
export function latin1(buf: Buffer, s: number, e: number): string {
  return (buf as OneByteSlicing).latin1Slice(s, e);
}

/** `Buffer#latin1Slice`, present on every Node Buffer though not in its type declarations. */
type OneByteSlicing = Buffer & { latin1Slice(start: number, end: number): string };

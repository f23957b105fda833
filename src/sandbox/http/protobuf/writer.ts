/**
 * A small protobuf wire writer: varints (negative int32/int64 as 10-byte two's complement, as Go writes
 * them), tags, UTF-8 strings, bytes and nested length-delimited messages. Nested messages are written in
 * place: `begin()` reserves one length byte and `end()` shifts the body when the length needs more.
 * One growable buffer is reused across messages; `finish()` copies the bytes out.
 */

export const WIRE_VARINT = 0;
export const WIRE_LEN = 2;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bytes a non-negative integer takes as a varint. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes `v` (a non-negative integer) as a varint at `pos` of `buf`; returns the position after it. */
export function putVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written since the last reset. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A non-negative integer (up to 2^64 - 1 when given as a bigint). */
  uvarint(v: number | bigint): void {
    this.ensure(10);
    if (typeof v === 'bigint') {
      while (v >= 128n) {
        this.buf[this.pos++] = Number(v & 127n) | 0x80;
        v >>= 7n;
      }
      this.buf[this.pos++] = Number(v);
      return;
    }
    this.pos = putVarint(this.buf, this.pos, v);
  }

  /** A signed int32/int64 value as protobuf writes it: negatives are sign-extended to 64 bits (10 bytes). */
  svarint(v: number): void {
    if (v >= 0) this.uvarint(v);
    else this.uvarint(BigInt.asUintN(64, BigInt(v)));
  }

  tag(field: number, wire: number): void {
    this.uvarint(field * 8 + wire);
  }

  /** A precomputed tag value (field << 3 | wire type). */
  key(tag: number): void {
    if (tag < 128) {
      this.ensure(1);
      this.buf[this.pos++] = tag;
    } else this.uvarint(tag);
  }

  /**
   * A length-prefixed UTF-8 string (without tag). Returns false, writing nothing, for a string with a lone
   * surrogate: it has no UTF-8 form (JSON escapes it, protobuf cannot carry it).
   */
  string(s: string): boolean {
    const n = s.length;
    // Fast path: short ASCII strings are copied char by char behind a one-byte length.
    if (n < 128) {
      this.ensure(n + 1);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = p;
        return true;
      }
    }
    if (LONE_SURROGATE.test(s)) return false;
    const bytes = Buffer.byteLength(s, 'utf8');
    this.uvarint(bytes);
    this.ensure(bytes);
    this.buf.write(s, this.pos, bytes, 'utf8');
    this.pos += bytes;
    return true;
  }

  /** Length-prefixed bytes (without tag). */
  bytes(b: Uint8Array): void {
    this.uvarint(b.length);
    this.raw(b);
  }

  /** Starts a nested message body (after its tag); pass the result to `end`. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Closes a nested message: writes its length at `start`, moving the body when the length takes more bytes. */
  end(start: number): void {
    const len = this.pos - start - 1;
    if (len < 128) {
      this.buf[start] = len;
      return;
    }
    const n = varintSize(len);
    this.ensure(n - 1);
    this.buf.copyWithin(start + n, start + 1, this.pos);
    this.pos += n - 1;
    putVarint(this.buf, start, len);
  }
}

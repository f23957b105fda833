/**
 * A schema-driven protobuf decoder for the tests: reads what the sandbox's encoder wrote back into the JSON
 * form (Time → RFC 3339 or null, Quantity → string, IntOrString → number or string, FieldsV1 → its JSON,
 * inlined messages merged into their parent) and checks the wire on the way: fields in ascending number
 * order, map keys sorted, no unknown field numbers, no wrong wire types, no repeated singular field.
 */
import type { CompiledField, MessageSchema } from '../../src/sandbox/http/protobuf/schema.js';

type Json = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ProtoReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** A length-delimited payload. */
  bytes(): Uint8Array {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw new Error(`length ${n} runs past the end`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A tag as [field number, wire type]. */
  tag(): [number, number] {
    const t = Number(this.varint());
    return [t >>> 3, t & 7];
  }
}

const byNumber = new WeakMap<MessageSchema, Map<number, CompiledField>>();

function fieldsOf(schema: MessageSchema): Map<number, CompiledField> {
  let m = byNumber.get(schema);
  if (!m) {
    m = new Map(schema.fields.map((f) => [f.no, f]));
    byNumber.set(schema, m);
  }
  return m;
}

/** Decodes one message of `schema` into its JSON form. */
export function decodeMessage(bytes: Uint8Array, schema: MessageSchema): Json {
  const r = new ProtoReader(bytes);
  const out: Json = {};
  const fields = fieldsOf(schema);
  let lastNo = 0;
  const seen = new Set<number>();
  const lastKey = new Map<number, Buffer>();
  while (!r.done) {
    const at = r.pos;
    const [no, wire] = r.tag();
    const f = fields.get(no);
    if (!f) throw new Error(`${schema.name}: unknown field number ${no} at byte ${at}`);
    if (no < lastNo)
      throw new Error(`${schema.name}.${f.name}: field ${no} after field ${lastNo} (not in number order)`);
    if (wire !== (f.tag & 7)) throw new Error(`${schema.name}.${f.name}: wire type ${wire}, expected ${f.tag & 7}`);
    if (f.mode !== 'repeated' && f.mode !== 'map' && seen.has(no))
      throw new Error(`${schema.name}.${f.name}: singular field repeated`);
    if (no !== lastNo && seen.has(no)) throw new Error(`${schema.name}.${f.name}: repeated field not contiguous`);
    seen.add(no);
    lastNo = no;
    if (f.mode === 'inline') {
      const inner = decodeMessage(r.bytes(), f.message!);
      for (const [k, v] of Object.entries(inner)) {
        if (k in out) throw new Error(`${schema.name}: inlined ${f.name}.${k} collides`);
        out[k] = v;
      }
    } else if (f.mode === 'map') {
      const entry = new ProtoReader(r.bytes());
      const [kNo, kWire] = entry.tag();
      if (kNo !== 1 || kWire !== 2) throw new Error(`${schema.name}.${f.name}: map entry without key first`);
      const key = entry.string();
      const [vNo, vWire] = entry.tag();
      if (vNo !== 2 || vWire !== 2) throw new Error(`${schema.name}.${f.name}: map entry without value`);
      const value = f.kind === 'quantity' ? decodeQuantity(entry.bytes()) : entry.string();
      if (!entry.done) throw new Error(`${schema.name}.${f.name}: trailing bytes in a map entry`);
      const kb = Buffer.from(key, 'utf8');
      const prev = lastKey.get(no);
      if (prev && Buffer.compare(prev, kb) >= 0)
        throw new Error(`${schema.name}.${f.name}: map keys not sorted (${JSON.stringify(key)})`);
      lastKey.set(no, kb);
      const m = (out[f.name] ??= {}) as Json;
      m[key] = value;
    } else {
      const v = decodeValue(r, f);
      if (f.mode === 'repeated') ((out[f.name] ??= []) as unknown[]).push(v);
      else out[f.name] = v;
    }
  }
  return out;
}

function decodeValue(r: ProtoReader, f: CompiledField): unknown {
  switch (f.kind) {
    case 'message':
      return decodeMessage(r.bytes(), f.message!);
    case 'string':
      return r.string();
    case 'bool': {
      const v = r.varint();
      if (v > 1n) throw new Error(`${f.name}: bool ${v}`);
      return v === 1n;
    }
    case 'int32': {
      const v = Number(BigInt.asIntN(64, r.varint()));
      if (v < -(2 ** 31) || v >= 2 ** 31) throw new Error(`${f.name}: ${v} is not an int32`);
      return v;
    }
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'time':
      return decodeTime(r.bytes());
    case 'quantity':
      return decodeQuantity(r.bytes());
    case 'intOrString':
      return decodeIntOrString(r.bytes());
    case 'fieldsV1': {
      const inner = new ProtoReader(r.bytes());
      const [no, wire] = inner.tag();
      if (no !== 1 || wire !== 2) throw new Error(`${f.name}: FieldsV1 without Raw`);
      const raw = inner.string();
      if (!inner.done) throw new Error(`${f.name}: trailing bytes in FieldsV1`);
      return JSON.parse(raw);
    }
  }
}

/** metav1.Time: an empty message is the zero time (JSON null); nanos must be 0 (JSON has whole seconds). */
export function decodeTime(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return null;
  const r = new ProtoReader(bytes);
  let seconds: number | undefined;
  let nanos: number | undefined;
  while (!r.done) {
    const [no, wire] = r.tag();
    if (wire !== 0) throw new Error('Time: wire type');
    const v = Number(BigInt.asIntN(64, r.varint()));
    if (no === 1) seconds = v;
    else if (no === 2) nanos = v;
    else throw new Error(`Time: field ${no}`);
  }
  if (seconds === undefined || nanos !== 0) throw new Error(`Time: seconds ${seconds}, nanos ${nanos}`);
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

function decodeQuantity(bytes: Uint8Array): string {
  const r = new ProtoReader(bytes);
  const [no, wire] = r.tag();
  if (no !== 1 || wire !== 2) throw new Error('Quantity without its string');
  const s = r.string();
  if (!r.done) throw new Error('trailing bytes in a Quantity');
  return s;
}

function decodeIntOrString(bytes: Uint8Array): number | string {
  const r = new ProtoReader(bytes);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done) {
    const [no] = r.tag();
    if (no === 1) type = Number(r.varint());
    else if (no === 2) intVal = Number(BigInt.asIntN(64, r.varint()));
    else if (no === 3) strVal = r.string();
    else throw new Error(`IntOrString: field ${no}`);
  }
  return type === 0 ? intVal : strVal;
}

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

/** Splits kube-apiserver's protobuf envelope: `k8s\0` + runtime.Unknown {1 typeMeta, 2 raw, 3, 4}. */
export function decodeEnvelope(body: Uint8Array): Envelope {
  if (Buffer.compare(Buffer.from(body.subarray(0, 4)), Buffer.from('k8s\0', 'latin1')) !== 0)
    throw new Error('no k8s\\0 magic');
  const r = new ProtoReader(body.subarray(4));
  const env: Partial<Envelope> = {};
  while (!r.done) {
    const [no, wire] = r.tag();
    if (wire !== 2) throw new Error(`Unknown.${no}: wire type ${wire}`);
    if (no === 1) {
      const tm = new ProtoReader(r.bytes());
      while (!tm.done) {
        const [tno] = tm.tag();
        if (tno === 1) env.apiVersion = tm.string();
        else if (tno === 2) env.kind = tm.string();
        else throw new Error(`TypeMeta.${tno}`);
      }
    } else if (no === 2) env.raw = r.bytes();
    else if (no === 3) env.contentEncoding = r.string();
    else if (no === 4) env.contentType = r.string();
    else throw new Error(`Unknown.${no}`);
  }
  if (!env.raw || env.apiVersion === undefined || env.kind === undefined) throw new Error('incomplete envelope');
  return env as Envelope;
}

/** The JSON form of a stored object, as the sandbox serves it (undefined properties dropped). */
export function asJson<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/**
 * The JSON form a client decoding the protobuf sees: empty lists and maps dropped (the encoder writes them as
 * nothing, as kube-apiserver does), empty messages such as `emptyDir: {}` kept.
 */
export function withoutEmptyCollections<T>(json: T, schema: MessageSchema): T {
  const o = asJson(json) as Json;
  strip(o, schema);
  return o as T;
}

function strip(o: Json, schema: MessageSchema): void {
  for (const f of schema.fields) {
    if (f.mode === 'inline') {
      strip(o, f.message!);
      continue;
    }
    const v = o[f.name];
    if (v === undefined || v === null) continue;
    if (f.mode === 'repeated' && Array.isArray(v)) {
      if (v.length === 0) delete o[f.name];
      else if (f.kind === 'message') for (const x of v) strip(x as Json, f.message!);
    } else if (f.mode === 'map') {
      if (Object.keys(v as Json).length === 0) delete o[f.name];
    } else if (f.kind === 'message') strip(v as Json, f.message!);
  }
}

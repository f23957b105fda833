/**
 * The schema-driven encoder: writes an object's JSON form (as the store holds it) as protobuf, field by field
 * in field-number order, encoding exactly the fields present (an explicit false, 0 or "" included). An empty
 * list or map is written as nothing, as kube-apiserver does (Go's JSON omits them too: `omitempty`), so a
 * client reads it as absent. It refuses — with a ProtobufEncodeError naming the field — anything else the
 * protobuf form could not give back: a field the schema does not know, a value of the wrong type, a null
 * other than a zero Time, a timestamp that is not RFC 3339 seconds.
 */
import type { CompiledField, MessageSchema } from './schema.js';
import type { ProtoWriter } from './writer.js';

export type EncodeProblem = 'unknown-field' | 'invalid-value';

export class ProtobufEncodeError extends Error {
  private readonly segments: string[] = [];

  constructor(
    readonly problem: EncodeProblem,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ProtobufEncodeError';
  }

  /** The JSON path of the offending field, e.g. `spec.containers[0].foo`. */
  get field(): string {
    return this.segments.join('').replace(/^\./, '');
  }

  /** Called while the error travels up: adds the enclosing field name or list index. */
  prepend(segment: string): void {
    this.segments.unshift(segment.startsWith('[') ? segment : `.${segment}`);
    this.message = `${this.field}: ${this.detail}`;
  }
}

type Json = Record<string, unknown>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_LIMIT = 2 ** 63;

/** Encodes `obj` as a message of `schema` (its body, without tag or length). */
export function encodeMessage(w: ProtoWriter, obj: unknown, schema: MessageSchema): void {
  const o = asObject(obj, schema);
  if (encodeFields(w, o, schema) !== countKeys(o)) throw unknownField(o, schema, {});
}

/**
 * Encodes a top-level object: like encodeMessage, but its `apiVersion`/`kind` (which the protobuf form keeps
 * in the envelope, not in the message) are accepted when they have the given values.
 */
export function encodeRoot(
  w: ProtoWriter,
  obj: unknown,
  schema: MessageSchema,
  typeMeta: Readonly<Record<string, string>>,
): void {
  const o = asObject(obj, schema);
  let consumed = 0;
  for (const [k, want] of Object.entries(typeMeta)) {
    const v = o[k];
    if (v === undefined) continue;
    if (v !== want) {
      const e = invalid(`expected ${JSON.stringify(want)}, got ${describe(v)}`);
      e.prepend(k);
      throw e;
    }
    consumed++;
  }
  if (encodeFields(w, o, schema) + consumed !== countKeys(o)) throw unknownField(o, schema, typeMeta);
}

function asObject(v: unknown, schema: MessageSchema): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw invalid(`expected an object (${schema.name}), got ${describe(v)}`);
  return v as Json;
}

/** Writes the fields of `schema` found in `o`; returns how many of `o`'s keys they used. */
function encodeFields(w: ProtoWriter, o: Json, schema: MessageSchema): number {
  let consumed = 0;
  for (const f of schema.fields) {
    if (f.mode === 'inline') {
      w.key(f.tag);
      const start = w.begin();
      consumed += encodeFields(w, o, f.message!);
      w.end(start);
      continue;
    }
    const v = o[f.name];
    if (v === undefined) continue;
    consumed++;
    try {
      if (f.mode === 'repeated') encodeRepeated(w, f, v);
      else if (f.mode === 'map') encodeMap(w, f, v);
      else encodeValue(w, f, v);
    } catch (e) {
      if (e instanceof ProtobufEncodeError) e.prepend(f.name);
      throw e;
    }
  }
  return consumed;
}

function encodeRepeated(w: ProtoWriter, f: CompiledField, v: unknown): void {
  if (!Array.isArray(v)) throw invalid(`expected a list, got ${describe(v)}`);
  for (let i = 0; i < v.length; i++) {
    try {
      encodeValue(w, f, v[i]);
    } catch (e) {
      if (e instanceof ProtobufEncodeError) e.prepend(`[${i}]`);
      throw e;
    }
  }
}

/** A map field: one {1 key, 2 value} entry per key, keys in byte order (as go-to-protobuf sorts them). */
function encodeMap(w: ProtoWriter, f: CompiledField, v: unknown): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`expected a map, got ${describe(v)}`);
  const m = v as Json;
  const keys = Object.keys(m).filter((k) => m[k] !== undefined);
  if (keys.length > 1) sortKeys(keys);
  for (const k of keys) {
    const val = m[k];
    w.key(f.tag);
    const start = w.begin();
    w.byte(0x0a);
    if (!w.string(k)) throw invalid(`map key ${JSON.stringify(k)} is not valid Unicode`);
    if (f.kind === 'string') {
      if (typeof val !== 'string') throw invalid(`${k}: expected a string, got ${describe(val)}`);
      w.byte(0x12);
      if (!w.string(val)) throw invalid(`${k}: not valid Unicode`);
    } else if (f.kind === 'quantity') {
      if (typeof val !== 'string') throw invalid(`${k}: expected a quantity string, got ${describe(val)}`);
      w.byte(0x12);
      writeQuantity(w, val);
    } else throw invalid(`map values of kind ${f.kind} are not supported`);
    w.end(start);
  }
}

function encodeValue(w: ProtoWriter, f: CompiledField, v: unknown): void {
  switch (f.kind) {
    case 'message': {
      w.key(f.tag);
      const start = w.begin();
      encodeMessage(w, v, f.message!);
      w.end(start);
      return;
    }
    case 'string':
      if (typeof v !== 'string') throw invalid(`expected a string, got ${describe(v)}`);
      w.key(f.tag);
      if (!w.string(v)) throw invalid('a string with a lone surrogate has no UTF-8 form');
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw invalid(`expected a boolean, got ${describe(v)}`);
      w.key(f.tag);
      w.byte(v ? 1 : 0);
      return;
    case 'int32':
      if (!Number.isInteger(v) || (v as number) < INT32_MIN || (v as number) > INT32_MAX)
        throw invalid(`expected an int32, got ${describe(v)}`);
      w.key(f.tag);
      w.svarint(v as number);
      return;
    case 'int64':
      if (!Number.isInteger(v) || Math.abs(v as number) >= INT64_LIMIT)
        throw invalid(`expected an int64, got ${describe(v)}`);
      w.key(f.tag);
      w.svarint(v as number);
      return;
    case 'time':
      w.key(f.tag);
      writeTime(w, v);
      return;
    case 'quantity':
      if (typeof v !== 'string') throw invalid(`expected a quantity string, got ${describe(v)}`);
      w.key(f.tag);
      writeQuantity(w, v);
      return;
    case 'intOrString':
      w.key(f.tag);
      writeIntOrString(w, v);
      return;
    case 'fieldsV1': {
      if (v === null || typeof v !== 'object') throw invalid(`expected a fields object, got ${describe(v)}`);
      w.key(f.tag);
      const start = w.begin();
      w.byte(0x0a);
      w.string(JSON.stringify(v));
      w.end(start);
      return;
    }
  }
}

/** resource.Quantity {1 string}, with its length. */
function writeQuantity(w: ProtoWriter, s: string): void {
  const start = w.begin();
  w.byte(0x0a);
  if (!w.string(s)) throw invalid('a quantity with a lone surrogate');
  w.end(start);
}

/** intstr.IntOrString: all three fields, as the gogo marshaller writes them ({1 type, 2 intVal, 3 strVal}). */
function writeIntOrString(w: ProtoWriter, v: unknown): void {
  const start = w.begin();
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX)
      throw invalid(`expected an int32 or a string, got ${describe(v)}`);
    w.byte(0x08);
    w.byte(0);
    w.byte(0x10);
    w.svarint(v);
    w.byte(0x1a);
    w.byte(0);
  } else if (typeof v === 'string') {
    w.byte(0x08);
    w.byte(1);
    w.byte(0x10);
    w.byte(0);
    w.byte(0x1a);
    if (!w.string(v)) throw invalid('a string with a lone surrogate has no UTF-8 form');
  } else throw invalid(`expected an int32 or a string, got ${describe(v)}`);
  w.end(start);
}

const RFC3339_SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
/** Parsed timestamps: a pod's dozen times repeat across pods created together. Bounded by clearing. */
const timeCache = new Map<string, number>();
const TIME_CACHE_MAX = 4096;

/** Seconds since the epoch of an RFC 3339 UTC timestamp without fraction (metav1.Time's JSON form). */
export function parseTimeSeconds(s: string): number | undefined {
  const hit = timeCache.get(s);
  if (hit !== undefined) return hit;
  const m = RFC3339_SECONDS.exec(s);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  // Date.UTC rolls over out-of-range parts (month 13, second 60); such a string is not a real time.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== s.slice(0, 19)) return undefined;
  if (timeCache.size >= TIME_CACHE_MAX) timeCache.clear();
  timeCache.set(s, ms / 1000);
  return ms / 1000;
}

/**
 * metav1.Time as kube-apiserver writes it: {1 seconds, 2 nanos} with both always present; the zero time
 * (JSON null) is an empty message.
 */
function writeTime(w: ProtoWriter, v: unknown): void {
  const start = w.begin();
  if (v !== null) {
    const seconds = typeof v === 'string' ? parseTimeSeconds(v) : undefined;
    if (seconds === undefined)
      throw invalid(`expected an RFC 3339 time in whole seconds (or null), got ${describe(v)}`);
    w.byte(0x08);
    w.svarint(seconds);
    w.byte(0x10);
    w.byte(0);
  }
  w.end(start);
}

/** Sorts map keys by their UTF-8 bytes (UTF-16 order differs only around surrogates). */
function sortKeys(keys: string[]): void {
  keys.sort();
  if (keys.some((k) => /[\uD800-\uFFFF]/.test(k)))
    keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

function countKeys(o: Json): number {
  let n = 0;
  for (const k in o) if (o[k] !== undefined) n++;
  return n;
}

function unknownField(o: Json, schema: MessageSchema, typeMeta: Readonly<Record<string, string>>): ProtobufEncodeError {
  const name = Object.keys(o).find((k) => o[k] !== undefined && !schema.knows(k) && !(k in typeMeta)) ?? '?';
  const e = new ProtobufEncodeError('unknown-field', `field unknown to the sandbox's ${schema.name} schema`);
  e.prepend(name);
  return e;
}

function invalid(detail: string): ProtobufEncodeError {
  return new ProtobufEncodeError('invalid-value', detail);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * The shape of the protobuf schema tables: a message maps each JSON field name to its upstream field number
 * and type. Compiling sorts the fields by number (gogo-generated marshallers write them in that order) and
 * precomputes their tags. Special kinds cover the types whose JSON form is a scalar but whose wire form is a
 * message (Time, Quantity, IntOrString, FieldsV1).
 */
import { WIRE_LEN, WIRE_VARINT } from './writer.js';

/**
 * `time`: metav1.Time {1 seconds, 2 nanos}, JSON RFC 3339 seconds (null = the zero time, an empty message);
 * `quantity`: resource.Quantity {1 string}; `intOrString`: {1 type, 2 intVal, 3 strVal};
 * `fieldsV1`: {1 Raw} holding the JSON text.
 */
export type ScalarKind = 'string' | 'bool' | 'int32' | 'int64' | 'time' | 'quantity' | 'intOrString' | 'fieldsV1';

/**
 * `repeated`: a JSON array, one field occurrence per element; `map`: a JSON object, one {1 key, 2 value}
 * entry per key (values of the given kind); `inline`: an embedded message whose fields sit directly in the
 * parent's JSON object (`json:",inline"`), e.g. Probe.handler or Volume.volumeSource.
 */
export type FieldMode = 'repeated' | 'map' | 'inline';

export type FieldSpec = readonly [no: number, type: ScalarKind | (() => MessageSchema), mode?: FieldMode];

export interface CompiledField {
  readonly name: string;
  readonly no: number;
  readonly kind: ScalarKind | 'message';
  readonly mode: FieldMode | 'single';
  /** The nested message (kind `message`). */
  readonly message?: MessageSchema;
  /** The field's tag as a varint value: number << 3 | wire type. */
  readonly tag: number;
}

export class MessageSchema {
  private compiled?: CompiledField[];
  private names?: Set<string>;

  constructor(
    readonly name: string,
    private readonly specs: Readonly<Record<string, FieldSpec>>,
  ) {}

  /** The fields in field-number order. */
  get fields(): readonly CompiledField[] {
    if (!this.compiled) this.compiled = compile(this.specs);
    return this.compiled;
  }

  /** Whether `jsonName` is a field of this message's JSON object (inlined messages included). */
  knows(jsonName: string): boolean {
    if (!this.names) {
      const names = new Set<string>();
      addNames(names, this);
      this.names = names;
    }
    return this.names.has(jsonName);
  }
}

function addNames(names: Set<string>, m: MessageSchema): void {
  for (const f of m.fields) {
    if (f.mode === 'inline') addNames(names, f.message!);
    else names.add(f.name);
  }
}

export function message(name: string, specs: Readonly<Record<string, FieldSpec>>): MessageSchema {
  return new MessageSchema(name, specs);
}

function compile(specs: Readonly<Record<string, FieldSpec>>): CompiledField[] {
  const out: CompiledField[] = Object.entries(specs).map(([name, [no, type, mode]]) => {
    const message = typeof type === 'function' ? type() : undefined;
    const kind = message ? 'message' : (type as ScalarKind);
    const varint = !mode || mode === 'repeated' ? kind === 'bool' || kind === 'int32' || kind === 'int64' : false;
    return { name, no, kind, mode: mode ?? 'single', message, tag: no * 8 + (varint ? WIRE_VARINT : WIRE_LEN) };
  });
  out.sort((a, b) => a.no - b.no);
  for (let i = 1; i < out.length; i++)
    if (out[i].no === out[i - 1].no)
      throw new Error(`duplicate field number ${out[i].no} (${out[i - 1].name}, ${out[i].name})`);
  return out;
}

/**
 * The swagger 2.0 document in the protobuf form kubectl downloads (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
 * gnostic's openapi_v2.Document; field numbers from gnostic's OpenAPIv2.proto). client-go decodes /openapi/v2 only
 * as protobuf, so without it kubectl's default validation fails with "failed to download openapi". Vendor
 * extensions are `Any{yaml}` values: JSON text, which is valid YAML. Encodes what the documents hold: info,
 * paths (operations, parameters, responses) and definitions (schemas without numeric bounds).
 */
import { ProtoWriter, WIRE_LEN, WIRE_VARINT } from '../http/protobuf/writer.js';
import type { Schema } from './schema.js';

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Json = Record<string, unknown>;

export function encodeOpenApiV2(doc: Json): Buffer {
  const w = new ProtoWriter(1024 * 1024);
  str(w, 1, doc.swagger as string);
  const info = doc.info as Json;
  msg(w, 2, () => {
    str(w, 1, info.title as string);
    str(w, 2, info.version as string);
  });
  msg(w, 8, () => {
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      msg(w, 2, () => {
        str(w, 1, path);
        msg(w, 2, () => pathItem(w, item));
      });
    }
  });
  msg(w, 9, () => {
    for (const [name, schema] of Object.entries(doc.definitions as Record<string, Schema>)) {
      msg(w, 1, () => {
        str(w, 1, name);
        msg(w, 2, () => schemaBody(w, schema));
      });
    }
  });
  return w.finish();
}

const OPERATION_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(w: ProtoWriter, item: Json): void {
  for (const [method, op] of Object.entries(item)) {
    const field = OPERATION_FIELDS[method];
    if (field) msg(w, field, () => operation(w, op as Json));
  }
}

function operation(w: ProtoWriter, op: Json): void {
  for (const t of (op.tags as string[]) ?? []) str(w, 1, t);
  str(w, 3, op.description as string | undefined);
  str(w, 5, op.operationId as string | undefined);
  for (const p of (op.produces as string[]) ?? []) str(w, 6, p);
  for (const c of (op.consumes as string[]) ?? []) str(w, 7, c);
  for (const p of (op.parameters as Json[]) ?? []) msg(w, 8, () => msg(w, 1, () => parameter(w, p)));
  msg(w, 9, () => {
    for (const [code, r] of Object.entries((op.responses as Record<string, Json>) ?? {})) {
      msg(w, 1, () => {
        str(w, 1, code);
        msg(w, 2, () =>
          msg(w, 1, () => {
            str(w, 1, r.description as string);
            if (r.schema) msg(w, 2, () => msg(w, 1, () => schemaBody(w, r.schema as Schema)));
          }),
        );
      });
    }
  });
  extensions(w, 13, op);
}

/** Parameter{body_parameter=1 | non_body_parameter=2{query=3 | path=4}}. */
function parameter(w: ProtoWriter, p: Json): void {
  if (p.in === 'body') {
    msg(w, 1, () => {
      str(w, 1, p.description as string | undefined);
      str(w, 2, p.name as string);
      str(w, 3, 'body');
      bool(w, 4, p.required as boolean | undefined);
      msg(w, 5, () => schemaBody(w, p.schema as Schema));
    });
    return;
  }
  const sub = p.in === 'path' ? 4 : 3;
  msg(w, 2, () =>
    msg(w, sub, () => {
      bool(w, 1, p.required as boolean | undefined);
      str(w, 2, p.in as string);
      str(w, 3, p.description as string | undefined);
      str(w, 4, p.name as string);
      // QueryParameterSubSchema has allow_empty_value at 5 and type at 6; PathParameterSubSchema has type at 5.
      str(w, sub === 3 ? 6 : 5, p.type as string | undefined);
      bool(w, sub === 3 ? 20 : 19, p.uniqueItems as boolean | undefined);
    }),
  );
}

/** openapi_v2.Schema. */
function schemaBody(w: ProtoWriter, s: Schema): void {
  str(w, 1, s.$ref);
  str(w, 2, s.format);
  str(w, 4, s.description);
  if (s.default !== undefined) msg(w, 5, () => str(w, 2, JSON.stringify(s.default)));
  for (const r of s.required ?? []) str(w, 19, r);
  for (const e of s.enum ?? []) msg(w, 20, () => str(w, 2, JSON.stringify(e)));
  if (s.additionalProperties !== undefined) {
    const ap = s.additionalProperties;
    msg(w, 21, () => (typeof ap === 'boolean' ? bool(w, 2, ap, true) : msg(w, 1, () => schemaBody(w, ap))));
  }
  if (s.type) msg(w, 22, () => str(w, 1, s.type));
  if (s.items) msg(w, 23, () => msg(w, 1, () => schemaBody(w, s.items!)));
  for (const a of s.allOf ?? []) msg(w, 24, () => schemaBody(w, a));
  if (s.properties) {
    msg(w, 25, () => {
      for (const [name, p] of Object.entries(s.properties!)) {
        msg(w, 1, () => {
          str(w, 1, name);
          msg(w, 2, () => schemaBody(w, p));
        });
      }
    });
  }
  extensions(w, 31, s as Json);
}

/** Vendor extensions (`x-…` keys) as repeated NamedAny{name, Any{yaml}}. */
function extensions(w: ProtoWriter, field: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith('x-') || v === undefined) continue;
    msg(w, field, () => {
      str(w, 1, k);
      msg(w, 2, () => str(w, 2, `${JSON.stringify(v)}\n`));
    });
  }
}

function msg(w: ProtoWriter, field: number, body: () => void): void {
  w.tag(field, WIRE_LEN);
  const start = w.begin();
  body();
  w.end(start);
}

function str(w: ProtoWriter, field: number, v: string | undefined): void {
  if (v === undefined || v === '') return;
  w.tag(field, WIRE_LEN);
  w.string(v);
}

function bool(w: ProtoWriter, field: number, v: boolean | undefined, always = false): void {
  if (!v && !always) return;
  w.tag(field, WIRE_VARINT);
  w.uvarint(v ? 1 : 0);
}

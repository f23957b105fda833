/**
 * Writes protobuf responses: one object in its envelope, or a list streamed with back-pressure. A list's
 * length must be known before its first byte (it is a length-delimited field of the envelope), so it is
 * computed from the items' already-encoded buffers, then the items are written in chunks.
 */
import type { ServerResponse } from 'node:http';
import { encodeMessage } from './encoder.js';
import { ENVELOPE_TAIL, envelopeHead, PROTOBUF_CONTENT_TYPE } from './envelope.js';
import { ListMeta } from './meta-schema.js';
import type { MessageSchema } from './schema.js';
import { putVarint, ProtoWriter, varintSize } from './writer.js';
import { chunkPool } from '../chunk-pool.js';

const ITEMS_PER_WRITE = 256;

export function sendProtobufObject(
  res: ServerResponse,
  code: number,
  apiVersion: string,
  kind: string,
  bytes: Buffer,
): void {
  const head = envelopeHead(apiVersion, kind, bytes.length);
  res.writeHead(code, {
    'Content-Type': PROTOBUF_CONTENT_TYPE,
    'Content-Length': head.length + bytes.length + ENVELOPE_TAIL.length,
  });
  res.end(Buffer.concat([head, bytes, ENVELOPE_TAIL]));
}

/**
 * Streams `<Kind>List {1 metadata: ListMeta, 2 items}` (numbers taken from `listSchema`) in its envelope.
 * `meta` is the list's metadata as JSON (resourceVersion, continue, remainingItemCount).
 */
export function streamProtobufList(
  res: ServerResponse,
  apiVersion: string,
  listSchema: MessageSchema,
  meta: Record<string, unknown>,
  items: Buffer[],
): void {
  const metaTag = tagOf(listSchema, 'metadata');
  const itemTag = tagOf(listSchema, 'items');
  const w = new ProtoWriter(256);
  w.uvarint(metaTag);
  const start = w.begin();
  encodeMessage(w, meta, ListMeta);
  w.end(start);
  const metaField = w.finish();
  const itemTagSize = varintSize(itemTag);
  let rawLength = metaField.length;
  for (const b of items) rawLength += itemTagSize + varintSize(b.length) + b.length;
  const head = Buffer.concat([envelopeHead(apiVersion, listSchema.name, rawLength), metaField]);
  res.writeHead(200, {
    'Content-Type': PROTOBUF_CONTENT_TYPE,
    'Content-Length': head.length - metaField.length + rawLength + ENVELOPE_TAIL.length,
  });
  let i = 0;
  const pump = () => {
    while (i < items.length) {
      const end = Math.min(items.length, i + ITEMS_PER_WRITE);
      let size = i === 0 ? head.length : 0;
      for (let j = i; j < end; j++) size += itemTagSize + varintSize(items[j].length) + items[j].length;
      const chunk = chunkPool.take(size);
      let pos = 0;
      if (i === 0) pos += head.copy(chunk, 0);
      for (; i < end; i++) {
        const b = items[i];
        pos = putVarint(chunk, pos, itemTag);
        pos = putVarint(chunk, pos, b.length);
        pos += b.copy(chunk, pos);
      }
      if (!res.write(chunk.subarray(0, pos), () => chunkPool.give(chunk))) return void res.once('drain', pump);
    }
    res.end(items.length === 0 ? Buffer.concat([head, ENVELOPE_TAIL]) : ENVELOPE_TAIL);
  };
  pump();
}

function tagOf(schema: MessageSchema, field: string): number {
  const f = schema.fields.find((x) => x.name === field);
  if (!f) throw new Error(`${schema.name} has no field ${field}`);
  return f.tag;
}

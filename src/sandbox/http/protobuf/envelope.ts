/**
 * kube-apiserver's protobuf envelope: the magic bytes `k8s\0` followed by a runtime.Unknown message
 * {1 typeMeta {1 apiVersion, 2 kind}, 2 raw (the object's bytes), 3 contentEncoding, 4 contentType}.
 * The head is built knowing only the raw length, so a list can be streamed behind it.
 */
import { ProtoWriter, WIRE_LEN } from './writer.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const UNKNOWN_TYPE_META = 1;
const UNKNOWN_RAW = 2;
const UNKNOWN_CONTENT_ENCODING = 3;
const UNKNOWN_CONTENT_TYPE = 4;
const TYPE_META_API_VERSION = 1;
const TYPE_META_KIND = 2;

/** What follows the raw bytes: contentEncoding "" and contentType "" (the gogo marshaller always writes both). */
export const ENVELOPE_TAIL = Buffer.from([
  (UNKNOWN_CONTENT_ENCODING << 3) | WIRE_LEN,
  0,
  (UNKNOWN_CONTENT_TYPE << 3) | WIRE_LEN,
  0,
]);

/** The bytes before the raw object: magic, Unknown.typeMeta, then Unknown.raw's tag and length. */
export function envelopeHead(apiVersion: string, kind: string, rawLength: number): Buffer {
  const w = new ProtoWriter(64 + apiVersion.length + kind.length);
  w.raw(MAGIC);
  w.tag(UNKNOWN_TYPE_META, WIRE_LEN);
  const start = w.begin();
  w.tag(TYPE_META_API_VERSION, WIRE_LEN);
  w.string(apiVersion);
  w.tag(TYPE_META_KIND, WIRE_LEN);
  w.string(kind);
  w.end(start);
  w.tag(UNKNOWN_RAW, WIRE_LEN);
  w.uvarint(rawLength);
  return w.finish();
}

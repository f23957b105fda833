/**
 * Content negotiation for protobuf: a request gets protobuf when its Accept header lists
 * `application/vnd.kubernetes.protobuf` before (or without) `application/json`; it may fall back to JSON
 * when it also accepts JSON (explicitly or through a wildcard).
 */
import { PROTOBUF_CONTENT_TYPE } from './envelope.js';

/** `json`: answer in JSON; `protobuf`: protobuf, JSON acceptable as a fallback; `protobuf-only`: no fallback. */
export type Negotiated = 'json' | 'protobuf' | 'protobuf-only';

export function negotiate(accept: string | undefined): Negotiated {
  if (!accept) return 'json';
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  const proto = types.indexOf(PROTOBUF_CONTENT_TYPE);
  if (proto < 0) return 'json';
  const json = types.indexOf('application/json');
  if (json >= 0 && json < proto) return 'json';
  return json >= 0 || types.includes('*/*') || types.includes('application/*') ? 'protobuf' : 'protobuf-only';
}

/**
 * `/openapi/v2` and `/openapi/v3[/<group-version path>]` over HTTP, with kube-openapi's content negotiation: v2
 * in protobuf when the Accept header names the gnostic media type (client-go asks for nothing else; the answer is
 * typed `…spec.v2.v1.0+protobuf`, as kube-openapi does, since Go cannot parse the `@` form), in JSON for
 * `application/json` or `*\/*`, 406 otherwise; v3 documents in JSON, hashed URLs marked immutable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../api/status.js';
import type { OpenApi } from '../openapi/index.js';
import { sendStatus } from './respond.js';

const PROTOBUF_SUBTYPES = [
  'com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'com.github.proto-openapi.spec.v2.v1.0+protobuf',
];

function send(res: ServerResponse, type: string, body: string | Buffer, cache: string): void {
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': cache,
    Vary: 'Accept',
  });
  res.end(body);
}

const notFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/** v2 flavour for an Accept header: the first acceptable media range wins. */
export function negotiateOpenApiV2(
  accept: string | undefined,
): { type: 'protobuf' | 'json'; contentType: string } | undefined {
  const ranges = (accept || '*/*').split(',').map((r) => r.split(';')[0].trim());
  for (const r of ranges) {
    const sub = PROTOBUF_SUBTYPES.find((s) => r === `application/${s}`);
    // Answered with the dot form whichever was asked: Go's mime parser (client-go ≤ 1.28) rejects the '@'.
    if (sub) return { type: 'protobuf', contentType: `application/${PROTOBUF_SUBTYPES[1]}` };
    if (r === 'application/json' || r === 'application/*' || r === '*/*')
      return { type: 'json', contentType: 'application/json' };
  }
  return undefined;
}

export function handleOpenApi(req: IncomingMessage, res: ServerResponse, parts: string[], openapi: OpenApi): void {
  const [version, ...rest] = parts;
  if (version === 'v2' && rest.length === 0) {
    const flavour = negotiateOpenApiV2(req.headers.accept);
    if (!flavour) {
      const types = ['application/json', ...PROTOBUF_SUBTYPES.map((s) => `application/${s}`)].join(', ');
      return sendStatus(
        res,
        new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${types}`).toStatus(),
      );
    }
    const body = flavour.type === 'protobuf' ? openapi.v2Protobuf() : openapi.documents().v2Json;
    return send(res, flavour.contentType, body, 'no-cache, private');
  }
  if (version === 'v3') {
    const docs = openapi.documents();
    if (rest.length === 0) return send(res, 'application/json', docs.v3Index, 'no-cache, private');
    const doc = docs.v3.get(rest.join('/'));
    if (!doc) return sendStatus(res, notFound().toStatus());
    const hashed = new URL(req.url ?? '/', 'https://sandbox').searchParams.get('hash') === doc.hash;
    return send(res, 'application/json', doc.body, hashed ? 'public, immutable' : 'no-cache, private');
  }
  sendStatus(res, notFound().toStatus());
}

/** Small helpers for reading requests and writing JSON / Status responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type StatusBody } from '../api/status.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: StatusBody): void {
  const headers: Record<string, string> = {};
  if (status.details?.retryAfterSeconds) headers['Retry-After'] = String(status.details.retryAfterSeconds);
  sendJson(res, status.code, status, headers);
}

export function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof ApiError) return sendStatus(res, e.toStatus());
  const message = e instanceof Error ? e.message : String(e);
  sendStatus(res, new ApiError(500, 'InternalError', `Internal error occurred: ${message}`).toStatus());
}

export async function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; `lenient` returns undefined for non-JSON (kubectl may send protobuf DeleteOptions). */
export function parseJson(buf: Buffer, lenient = false): unknown {
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    if (lenient) return undefined;
    throw new ApiError(
      400,
      'BadRequest',
      'the body of the request was in an unknown format - accepted media types include: application/json',
    );
  }
}

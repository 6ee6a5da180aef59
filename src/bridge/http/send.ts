/**
 * Writes byte replies with HEAD, single-range `Range` (206/416), strong
 * ETags and If-None-Match, as Neuroglancer and zarrita's sharding reader need.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ByteRange, StoredObject } from '../model/node.js';

export type ParsedRange = ByteRange | 'unsatisfiable' | undefined;

/** Parse one `bytes=` range against a size; multi-range requests get the whole body. */
export function parseRange(header: string | undefined, size: number): ParsedRange {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { offset: start, length: end - start + 1 };
}

const etagOfBytes = (bytes: Uint8Array): string =>
  `"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`;

function notModified(req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  return !!inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

interface Body {
  size: number;
  etag: string;
  slice(range: ByteRange | undefined): Promise<NodeJS.ReadableStream | Uint8Array>;
}

export async function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, cacheControl: string) {
  await sendBody(req, res, cacheControl, {
    size: bytes.byteLength,
    etag: etagOfBytes(bytes),
    slice: async (r) => (r ? bytes.subarray(r.offset, r.offset + (r.length ?? bytes.byteLength)) : bytes),
  });
}

export async function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  object: StoredObject,
  cacheControl: string,
  signal: AbortSignal,
) {
  await sendBody(req, res, cacheControl, {
    size: object.size,
    etag: `"${object.version}"`,
    slice: (r) => object.read(r, { signal }),
  });
}

async function sendBody(req: IncomingMessage, res: ServerResponse, cacheControl: string, body: Body) {
  res.setHeader('ETag', body.etag);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', 'application/octet-stream');
  if (notModified(req, body.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const range = parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, body.size);
  if (range === 'unsatisfiable') {
    res.statusCode = 416;
    res.setHeader('Content-Range', `bytes */${body.size}`);
    res.setHeader('Content-Length', 0);
    res.end();
    return;
  }
  if (range) {
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${range.offset}-${range.offset + (range.length ?? 0) - 1}/${body.size}`);
  }
  res.setHeader('Content-Length', range ? (range.length ?? 0) : body.size);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const data = await body.slice(range);
  if (data instanceof Uint8Array) {
    res.end(data);
    return;
  }
  await pipeline(data, res);
}

export function sendJson(res: ServerResponse, status: number, body: string, withContentType: boolean, head: boolean) {
  res.statusCode = status;
  if (withContentType) res.setHeader('Content-Type', 'application/json');
  const buf = Buffer.from(body);
  res.setHeader('Content-Length', buf.byteLength);
  res.setHeader('Cache-Control', 'no-cache');
  res.end(head ? undefined : buf);
}

/**
 * Writes byte replies with HEAD, single-range `Range` (206/416), strong
 * ETags and If-None-Match, as Neuroglancer and zarrita's sharding reader need.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
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

/**
 * A validator for bytes made per request: CRC-32 and length. An ETag only has
 * to change when the bytes at one URL change, and a CRC is twice as fast as
 * SHA-1 here (30 vs 75 µs per 128 KiB chunk, measured).
 */
const etagOfBytes = (bytes: Uint8Array): string => `"${crc32(bytes).toString(36)}-${bytes.byteLength.toString(36)}"`;

function notModified(req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  return !!inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Transcoded bytes: their ETag is a hash of the content. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, cacheControl: string): void {
  sendHeld(req, res, bytes, etagOfBytes(bytes), cacheControl);
}

export async function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  object: StoredObject,
  cacheControl: string,
  signal: AbortSignal,
): Promise<void> {
  const etag = `"${object.version}"`;
  if (object.held) {
    sendHeld(req, res, object.held, etag, cacheControl);
    return;
  }
  const range = prepare(req, res, object.size, etag, cacheControl);
  if (range === 'answered') return;
  const data = await object.read(range, { signal });
  if (data instanceof Uint8Array) res.end(data);
  else await pipeline(data, res);
}

/** Bytes in memory go out synchronously: no awaits between the request and the one write. */
export function sendHeld(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  etag: string,
  cacheControl: string,
): void {
  const range = prepare(req, res, bytes.byteLength, etag, cacheControl);
  if (range === 'answered') return;
  res.end(range ? bytes.subarray(range.offset, range.offset + (range.length ?? bytes.byteLength)) : bytes);
}

/**
 * Everything before the body: validators, 304, 416, HEAD and the status of a
 * range. Returns the range still to send, or 'answered' when the response is complete.
 */
function prepare(
  req: IncomingMessage,
  res: ServerResponse,
  size: number,
  etag: string,
  cacheControl: string,
): ByteRange | undefined | 'answered' {
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', 'application/octet-stream');
  if (notModified(req, etag)) {
    res.statusCode = 304;
    res.end();
    return 'answered';
  }
  const range = parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, size);
  if (range === 'unsatisfiable') {
    res.statusCode = 416;
    res.setHeader('Content-Range', `bytes */${size}`);
    res.setHeader('Content-Length', 0);
    res.end();
    return 'answered';
  }
  if (range) {
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${range.offset}-${range.offset + (range.length ?? 0) - 1}/${size}`);
  }
  res.setHeader('Content-Length', range ? (range.length ?? 0) : size);
  if (req.method === 'HEAD') {
    res.end();
    return 'answered';
  }
  return range;
}

export function sendJson(res: ServerResponse, status: number, body: string, withContentType: boolean, head: boolean) {
  res.statusCode = status;
  if (withContentType) res.setHeader('Content-Type', 'application/json');
  const buf = Buffer.from(body);
  res.setHeader('Content-Length', buf.byteLength);
  res.setHeader('Cache-Control', 'no-cache');
  res.end(head ? undefined : buf);
}

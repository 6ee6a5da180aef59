/**
 * Writes byte replies with HEAD, single-range `Range` (206/416), strong
 * ETags and If-None-Match, as Neuroglancer and zarrita's sharding reader need.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { BridgeError } from '../errors.js';
import type { ByteRange, IoOptions, StoredObject } from '../model/node.js';

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
const versionOfBytes = (bytes: Uint8Array): string => `${crc32(bytes).toString(36)}-${bytes.byteLength.toString(36)}`;
const etagOfBytes = (bytes: Uint8Array): string => `"${versionOfBytes(bytes)}"`;

/**
 * Versions of made replies' bytes. A reply made from a cached chunk is often
 * the chunk's own bytes (raw), made again each time the chunk is revalidated:
 * their hash is then known. Such bytes are never modified (see `Chunk`).
 */
const MADE_VERSIONS = new WeakMap<Uint8Array, string>();

/**
 * Bytes made for a request as an object the server may keep and replay while
 * `current()` holds; its version (and ETag) is the bytes' own, as `sendBytes` gives.
 */
export function madeObject(bytes: Uint8Array, current: () => boolean): StoredObject {
  let version = MADE_VERSIONS.get(bytes);
  if (version === undefined) {
    version = versionOfBytes(bytes);
    MADE_VERSIONS.set(bytes, version);
  }
  return {
    size: bytes.byteLength,
    version,
    held: bytes,
    current,
    read: async (range) =>
      range
        ? bytes.subarray(range.offset, range.length === undefined ? undefined : range.offset + range.length)
        : bytes,
  };
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  return !!inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * Response headers as a flat list of name, value pairs: `writeHead` with a
 * list skips the per-header bookkeeping of `setHeader` (measured: 13 vs 17–22
 * µs of JS per 100 KB chunk response).
 */
export type HeaderList = (string | number)[];

/** Applies a header list one by one, for responses written with `setHeader` (JSON, errors). */
export function applyHeaders(res: ServerResponse, headers: HeaderList): void {
  for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1]);
}

/** Transcoded bytes: their ETag is a hash of the content. */
export function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  cacheControl: string,
  headers: HeaderList = [],
): void {
  sendHeld(req, res, bytes, etagOfBytes(bytes), cacheControl, headers);
}

export async function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  object: StoredObject,
  cacheControl: string,
  io: IoOptions,
  headers: HeaderList = [],
): Promise<void> {
  const etag = `"${object.version}"`;
  const { held, heldPieces } = object;
  if (held || heldPieces) {
    if (object.release) {
      // A reusable buffer goes back once the kernel has the bytes ('finish'), or once they never will be
      // ('close' without 'finish': the client went, and the socket is closed); at once if it has already gone.
      // The read thread's arena has no collector to fall back on.
      if (res.destroyed) {
        object.release();
        return;
      }
      res.once('finish', object.release);
      res.once('close', object.release);
    }
    if (held) sendHeld(req, res, held, etag, cacheControl, headers);
    else sendPieces(req, res, heldPieces!, etag, cacheControl, headers);
    return;
  }
  // Read before any header goes out: a file that changed under us is then a clean JSON error, not a cut response.
  const wanted =
    req.method === 'GET' && !notModified(req, etag)
      ? parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, object.size)
      : 'unsatisfiable';
  const data = wanted === 'unsatisfiable' ? undefined : await object.read(wanted, io);
  const range = prepare(req, res, object.size, etag, cacheControl, headers);
  if (range === 'answered' || !data) return;
  const length = range ? (range.length ?? object.size - range.offset) : object.size;
  if (data instanceof Uint8Array) {
    // Fewer bytes than announced (the file shrank): the connection is dropped, never a short 200.
    if (data.byteLength !== length) return void res.destroy();
    res.end(data);
  } else await pipeline(data, exactly(length), res);
}

/**
 * Passes a stream on, failing it (and so the response) if it does not carry exactly `length` bytes. The
 * failure is typed, so the log says what happened rather than "internal error".
 */
function exactly(length: number): Transform {
  let seen = 0;
  const changed = (what: string) => new BridgeError('CorruptData', `${what} (the file changed while it was sent)`);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.byteLength;
      done(seen > length ? changed(`more than the ${length} bytes announced`) : null, chunk);
    },
    flush(done) {
      done(seen < length ? changed(`${seen} of the ${length} bytes announced`) : null);
    },
  });
}

/** Bytes in memory go out synchronously: no awaits between the request and the one write. */
export function sendHeld(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  etag: string,
  cacheControl: string,
  headers: HeaderList = [],
): void {
  const range = prepare(req, res, bytes.byteLength, etag, cacheControl, headers);
  if (range === 'answered') return;
  res.end(range ? bytes.subarray(range.offset, range.offset + (range.length ?? bytes.byteLength)) : bytes);
}

/**
 * Bytes in memory as pieces (`StoredObject.heldPieces`): one gathered write (writev) of the headers and every
 * piece, so they are never joined. A range, which Zarr clients seldom ask of a whole chunk, joins only its part.
 */
function sendPieces(
  req: IncomingMessage,
  res: ServerResponse,
  pieces: readonly Uint8Array[],
  etag: string,
  cacheControl: string,
  headers: HeaderList,
): void {
  const size = pieces.reduce((n, p) => n + p.byteLength, 0);
  const range = prepare(req, res, size, etag, cacheControl, headers);
  if (range === 'answered') return;
  if (range) {
    res.end(Buffer.concat(pieces).subarray(range.offset, range.offset + (range.length ?? size)));
    return;
  }
  // Corked, the writes leave together with the headers when `end`'s own uncork runs (on the next tick).
  res.cork();
  for (let i = 0; i < pieces.length - 1; i++) res.write(pieces[i]);
  res.end(pieces[pieces.length - 1]);
  res.uncork();
}

/**
 * Everything before the body: validators, 304, 416, HEAD and the status of a
 * range, written with `headers` (the request's CORS and Vary). Returns the
 * range still to send, or 'answered' when the response is complete.
 */
function prepare(
  req: IncomingMessage,
  res: ServerResponse,
  size: number,
  etag: string,
  cacheControl: string,
  headers: HeaderList,
): ByteRange | undefined | 'answered' {
  const out: HeaderList = [
    ...headers,
    'ETag',
    etag,
    'Cache-Control',
    cacheControl,
    'Accept-Ranges',
    'bytes',
    'Content-Type',
    'application/octet-stream',
  ];
  if (notModified(req, etag)) {
    res.writeHead(304, out).end();
    return 'answered';
  }
  const range = parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, [...out, 'Content-Range', `bytes */${size}`, 'Content-Length', 0]).end();
    return 'answered';
  }
  if (range) {
    const last = range.offset + (range.length ?? 0) - 1;
    out.push('Content-Range', `bytes ${range.offset}-${last}/${size}`, 'Content-Length', range.length ?? 0);
  } else {
    out.push('Content-Length', size);
  }
  res.writeHead(range ? 206 : 200, out);
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

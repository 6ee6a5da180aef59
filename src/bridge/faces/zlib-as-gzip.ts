/**
 * Zarr v2 arrays stored with numcodecs' `zlib` compressor (TIFF levels of
 * Deflate tiles, see sources/tiff/zlib-tiles.ts, and folders written with
 * zlib) on /zarr/v3 without recompressing. A zlib stream (RFC 1950) and a gzip
 * member (RFC 1952) carry the same deflate data: each stored chunk is
 * re-wrapped, its 2-byte header and Adler-32 trailer swapped for gzip's header
 * and the CRC-32 and length of the inflated bytes, and the array declares
 * the standard `gzip` codec. The CRC costs one inflate per chunk, the first
 * time it is asked for; it is kept (a few bytes per chunk, under the stored
 * object's version), so later requests only read and re-wrap.
 */
import { crc32, createInflate } from 'node:zlib';
import { toBigEndian } from '../encode/c-order.js';
import { gzipBytes } from '../encode/gzip.js';
import { notFound } from '../errors.js';
import { bytesPerElement, isDType } from '../model/dtype.js';
import type { ArrayNode, StoredObject } from '../model/node.js';
import { LruCache } from '../util/lru.js';
import type { FaceReply } from './face.js';

/** How the array is stored, when it can be presented so. */
export interface ZlibStored {
  /** The level the stored metadata names (a reader ignores it when inflating). */
  readonly level: number;
  /** Byte order of the stored elements; undefined for one-byte types. */
  readonly endian?: 'little' | 'big';
  /** The stored chunk key of chunk `coords`. */
  key(coords: readonly number[]): string;
}

/** Stored chunks larger than this are decoded and gzipped instead (they are read whole to be re-wrapped). */
const MAX_WRAPPED = 16 * 2 ** 20;

export function zlibStored(node: ArrayNode): ZlibStored | undefined {
  const stored = node.stored;
  if (stored?.format !== 'zarr2' || !isDType(node.meta.dtype) || node.meta.shape.length === 0) return undefined;
  const m = stored.metadata as {
    compressor?: { id?: unknown; level?: unknown } | null;
    filters?: unknown[] | null;
    order?: unknown;
    dtype?: unknown;
    dimension_separator?: unknown;
  };
  if (m.compressor?.id !== 'zlib' || (m.filters && m.filters.length > 0) || (m.order ?? 'C') !== 'C') return undefined;
  const order = typeof m.dtype === 'string' ? m.dtype[0] : undefined;
  if (order !== '<' && order !== '>' && order !== '|') return undefined;
  const separator = m.dimension_separator === '/' ? '/' : '.';
  const level = typeof m.compressor.level === 'number' && m.compressor.level >= 0 ? m.compressor.level : 1;
  return {
    level: Math.min(9, Math.round(level)),
    ...(bytesPerElement(node.meta.dtype) > 1 ? { endian: order === '>' ? 'big' : 'little' } : {}),
    key: (coords) => coords.join(separator),
  };
}

interface Check {
  readonly crc: number;
  readonly size: number;
}

/** CRC-32 and length of inflated chunks, by array, key and stored version. */
const CHECKS = new LruCache<string, Check>(200_000);
/** Re-wrapped chunks, by the stored bytes they were made from (held by the store's cache while they live). */
const WRAPPED = new WeakMap<Uint8Array, Uint8Array>();

/** Chunk `coords` of an array that `zlibStored` accepted, as a gzip member. */
export async function gzipChunk(
  node: ArrayNode,
  how: ZlibStored,
  coords: readonly number[],
  signal: AbortSignal | undefined,
): Promise<FaceReply> {
  const key = how.key(coords);
  const object = await node.stored!.object(key, { signal });
  // Missing is missing on every face: readers fill it.
  if (!object) throw notFound(`no chunk ${key}`, key);
  const chunkBytes = node.meta.chunkShape.reduce((a, b) => a * b, 1) * bytesPerElement(node.meta.dtype as never);
  const id = checkId(node, key, object);
  const wrapped = await wrapStored(object, id, chunkBytes, signal);
  if (!wrapped) {
    // Not one plain zlib stream of the chunk (a preset dictionary, trailing bytes, another size): decoded and gzipped.
    const chunk = await node.readChunk([...coords], { signal });
    const bpe = bytesPerElement(node.meta.dtype as never);
    const ordered = how.endian === 'big' ? toBigEndian(chunk.bytes, bpe) : chunk.bytes;
    return { kind: 'bytes', bytes: await gzipBytes(ordered, Math.max(1, how.level)) };
  }
  // A version that names the stored bytes exactly names their re-wrapping too: the member is served as an object
  // of its own, with that version as its ETag, and read again from the store without walking the catalog.
  // Bytes replies are not given back: a member in pieces is joined, and its stored bytes' buffer given back now.
  if (!id) {
    if ('bytes' in wrapped) return { kind: 'bytes', bytes: wrapped.bytes };
    const bytes = Buffer.concat(wrapped.pieces);
    wrapped.release();
    return { kind: 'bytes', bytes };
  }
  const wrapAgain = async (again: StoredObject) => {
    const againId = checkId(node, key, again);
    return againId ? wrapStored(again, againId, chunkBytes, undefined) : undefined;
  };
  return { kind: 'object', object: member(object, wrapped, wrapAgain) };
}

/** Where a chunk's CRC is kept: only for stores whose versions name the bytes exactly (files: size and mtime). */
function checkId(node: ArrayNode, key: string, object: StoredObject): string | undefined {
  return object.exactVersion || object.current ? `${node.path}\0${key}\0${object.version}` : undefined;
}

/**
 * A gzip member: whole, or, for stored bytes read once into a reusable buffer, as its header, the stored deflate
 * data (a view of that buffer, not copied) and its trailer, with `release` giving the buffer back once sent.
 */
type Wrapped = { bytes: Uint8Array } | { pieces: readonly Uint8Array[]; release: () => void };

/** `object` (a stored zlib chunk) as a gzip member; undefined when it is not one plain zlib stream of the chunk. */
async function wrapStored(
  object: StoredObject,
  id: string | undefined,
  chunkBytes: number,
  signal: AbortSignal | undefined,
): Promise<Wrapped | undefined> {
  // Bytes read once into a reusable buffer (the cold path) are sent from it, between a gzip header and trailer
  // of their own: copying 100 KB into a member was 14 % of the bridge's CPU on the TIFF cold bench. Their
  // buffer goes back once the member is sent, or at once when they turn out not to make one (the caller then
  // decodes the chunk).
  const readOnce = object.held !== undefined && object.release !== undefined && !object.current;
  let handedOn = false;
  try {
    if (object.size > MAX_WRAPPED) return undefined;
    const stored = await wholeBytes(object, signal);
    let check = id ? CHECKS.get(id) : undefined;
    if (!check) {
      check = await inspect(stored, chunkBytes);
      if (!check) return undefined;
      if (id) CHECKS.set(id, check);
    }
    if (readOnce) {
      handedOn = true;
      return { pieces: memberPieces(stored, check), release: object.release! };
    }
    const kept = WRAPPED.get(stored);
    if (kept) return { bytes: kept };
    const wrapped = Buffer.concat(memberPieces(stored, check));
    // Only for bytes the store keeps (vouched for).
    if (object.held === stored && object.current) WRAPPED.set(stored, wrapped);
    return { bytes: wrapped };
  } finally {
    if (readOnce && !handedOn) object.release!();
  }
}

/** The gzip member of `source` as a stored object: as current as its source, and read again through it. */
function member(
  source: StoredObject,
  wrapped: Wrapped,
  wrapAgain: (again: StoredObject) => Promise<Wrapped | undefined>,
): StoredObject {
  const reread = source.reread;
  const whole = () => ('bytes' in wrapped ? wrapped.bytes : Buffer.concat(wrapped.pieces));
  return {
    size: 'bytes' in wrapped ? wrapped.bytes.byteLength : wrapped.pieces.reduce((n, p) => n + p.byteLength, 0),
    version: `${source.version}-gz`,
    exactVersion: true,
    ...('bytes' in wrapped ? { held: wrapped.bytes } : { heldPieces: wrapped.pieces, release: wrapped.release }),
    read: async (r) => {
      const bytes = whole();
      return r ? bytes.subarray(r.offset, r.length === undefined ? undefined : r.offset + r.length) : bytes;
    },
    ...(source.current ? { current: () => source.current!() } : {}),
    ...(reread
      ? {
          reread: async (opts) => {
            const again = await reread(opts);
            if (!again) return undefined;
            const bytes = await wrapAgain(again);
            // Not a plain zlib stream any more: the catalog walk decides again what to serve.
            return bytes && member(again, bytes, wrapAgain);
          },
        }
      : {}),
  };
}

async function wholeBytes(object: StoredObject, signal: AbortSignal | undefined): Promise<Uint8Array> {
  if (object.held) return object.held;
  const data = await object.read(undefined, { signal });
  if (data instanceof Uint8Array) return data;
  const parts: Uint8Array[] = [];
  for await (const part of data as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}

/** CRC-32 and length of the inflated stream, when `stored` is exactly one zlib stream of `size` bytes. */
export async function inspect(stored: Uint8Array, size: number): Promise<Check | undefined> {
  if (stored.byteLength < 6) return undefined;
  const [cmf, flg] = [stored[0]!, stored[1]!];
  // Deflate, a valid header check, and no preset dictionary (a gzip member cannot carry one).
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flg) % 31 !== 0 || (flg & 0x20) !== 0) return undefined;
  let inflated: { out: Uint8Array; consumed: number };
  try {
    inflated = await inflateCounting(stored, size);
  } catch {
    return undefined;
  }
  // Nothing may follow the stream (zlib readers ignore trailing bytes, a gzip member cannot carry them).
  if (inflated.out.byteLength !== size || inflated.consumed !== stored.byteLength) return undefined;
  return { crc: crc32(inflated.out), size };
}

/** Inflates on the thread pool, saying how many input bytes the stream took (zlib's own count). */
function inflateCounting(stored: Uint8Array, size: number): Promise<{ out: Uint8Array; consumed: number }> {
  return new Promise((resolve, reject) => {
    const inflater = createInflate({ chunkSize: Math.max(64 * 1024, size + 64) });
    const parts: Buffer[] = [];
    inflater.on('data', (part: Buffer) => parts.push(part));
    inflater.on('error', reject);
    inflater.on('end', () =>
      resolve({ out: parts.length === 1 ? parts[0]! : Buffer.concat(parts), consumed: inflater.bytesWritten }),
    );
    inflater.end(stored);
  });
}

/** Magic, deflate, no flags, no mtime, no extra flags, unknown OS. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);

/** The gzip member of `stored` in three pieces: gzip's header, the deflate data (a view of `stored`), the trailer. */
export function memberPieces(stored: Uint8Array, check: Check): [Uint8Array, Uint8Array, Uint8Array] {
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(check.crc >>> 0, 0);
  trailer.writeUInt32LE(check.size >>> 0, 4);
  return [GZIP_HEADER, stored.subarray(2, stored.byteLength - 4), trailer];
}

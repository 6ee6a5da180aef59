/**
 * A Zarr v2 or v3 array in a KvStore as a catalog ArrayNode: zarrita decodes
 * chunks (sharding, transpose, endianness, all codecs); the stored metadata
 * and chunk objects are kept for the faces' pass-through path.
 */
import '../../util/float16.js';
import '../../util/bounded-codecs.js';
import '../../util/zlib-codecs.js';
import * as zarr from 'zarrita';
import { copyRegion, toCOrder } from '../../encode/c-order.js';
import { BridgeError } from '../../errors.js';
import { bytesPerElement, type DType, isDType } from '../../model/dtype.js';
import type { ArrayMeta, ArrayNode, Attrs, Chunk, IoOptions, StoredEncoding, StringChunk } from '../../model/node.js';
import type { OmeMeta } from '../../model/ome.js';
import { encodedLimit, VARIABLE_CHUNK_MAX } from '../../util/decode-limits.js';
import type { DecodedChunks } from './decoded-chunks.js';
import { joinKey, type KvStore, type NotedReadOptions } from './kv-store.js';
import { shardIndexLayout } from './shard-index.js';
import { asZarritaStore } from './zarrita-store.js';

export interface ZarrArrayInput {
  kv: KvStore;
  key: string;
  path: string;
  format: 2 | 3;
  /** `.zarray` or the array's `zarr.json`, as stored. */
  metadata: Attrs;
  attrs: Attrs;
  ome?: OmeMeta;
  opts: IoOptions;
  /** Where decoded chunks are kept for the next request, if anywhere. */
  decoded?: DecodedChunks;
}

export async function openZarrArray(input: ZarrArrayInput): Promise<ArrayNode> {
  const { kv, key, format, metadata } = input;
  const location = zarr
    .root(
      asZarritaStore(
        indexAtStart(metadata) ? shardIndexAtStart(kv, key) : kv,
        storedChunkLimit(format, metadata),
        format === 3 ? shardIndexLayout(metadata) : undefined,
      ),
    )
    .resolve(key === '' ? '/' : `/${key}`);
  let arr: zarr.Array<zarr.DataType, zarr.Readable>;
  try {
    arr =
      format === 2
        ? await zarr.open.v2(location, { kind: 'array', attrs: false })
        : await zarr.open.v3(location, { kind: 'array' });
  } catch (e) {
    throw new BridgeError('CorruptData', `cannot open array: ${(e as Error).message}`, { key: input.path, cause: e });
  }
  const dtype: ArrayMeta['dtype'] = isDType(arr.dtype)
    ? arr.dtype
    : isText(arr.dtype, metadata)
      ? 'string'
      : `opaque:${arr.dtype}`;
  const dimensionNames =
    arr.dimensionNames ??
    (Array.isArray(input.attrs._ARRAY_DIMENSIONS) ? (input.attrs._ARRAY_DIMENSIONS as string[]) : undefined);
  const meta: ArrayMeta = {
    shape: arr.shape,
    chunkShape: arr.chunks,
    dtype,
    fillValue: normaliseFill(arr.fillValue, dtype),
    ...(dimensionNames ? { dimensionNames } : {}),
  };
  return {
    kind: 'array',
    path: input.path,
    attrs: input.attrs,
    ...(input.ome ? { ome: input.ome } : {}),
    meta,
    // zarrita (the viewer's reader) ignores `index_location: "start"`: such shards are re-encoded, not passed on.
    ...(indexAtStart(metadata) ? {} : { stored: storedEncoding(kv, key, format, metadata) }),
    readChunk: (coords, o) =>
      readChunk(arr, meta, coords, input.path, o, input.decoded && { chunks: input.decoded, kv }),
    ...(dtype === 'string' ? { readStrings: (coords, o) => readStrings(arr, meta, coords, input.path, o) } : {}),
  };
}

/**
 * The most one stored chunk (an inner chunk, for sharded arrays) may take,
 * from the metadata alone: its decoded size plus what compression can add.
 */
function storedChunkLimit(format: 2 | 3, metadata: Attrs): number {
  let shape: unknown;
  let elementBytes: number | undefined;
  if (format === 2) {
    shape = metadata.chunks;
    const m = /^[<>|]?([biufcmM])(\d+)$/.exec(String(metadata.dtype));
    elementBytes = m
      ? Number(m[2])
      : /^[<>|]?[US](\d+)$/.test(String(metadata.dtype))
        ? 4 * Number(/(\d+)$/.exec(String(metadata.dtype))?.[1])
        : undefined;
  } else {
    const codecs = (metadata.codecs ?? []) as { name: string; configuration?: { chunk_shape?: number[] } }[];
    const sharding = codecs.find((c) => c.name === 'sharding_indexed');
    shape =
      sharding?.configuration?.chunk_shape ??
      (metadata.chunk_grid as { configuration?: { chunk_shape?: unknown } } | undefined)?.configuration?.chunk_shape;
    const dataType = String(metadata.data_type);
    elementBytes = isDType(dataType) ? bytesPerElement(dataType) : undefined;
  }
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n > 0) || elementBytes === undefined) {
    return encodedLimit(VARIABLE_CHUNK_MAX);
  }
  return encodedLimit((shape as number[]).reduce((a, b) => a * b, 1) * elementBytes);
}

/** Strings we can hand on as text: v3 `string`, fixed `U`/`S`, and v2 objects stored with vlen-utf8. */
function isText(dataType: string, metadata: Attrs): boolean {
  if (dataType === 'string' || /^v2:[US]\d+$/.test(dataType)) return true;
  const filters = (metadata.filters ?? []) as { id?: string }[] | null;
  return dataType === 'v2:object' && !!filters?.some((f) => f.id === 'vlen-utf8');
}

async function readStrings(
  arr: zarr.Array<zarr.DataType, zarr.Readable>,
  meta: ArrayMeta,
  coords: readonly number[],
  path: string,
  opts: IoOptions,
): Promise<StringChunk> {
  const chunk = await decodeChunk(arr, coords, path, opts);
  const values = Array.from(chunk.data as Iterable<unknown>, (v) => (v === null || v === undefined ? '' : String(v)));
  const shape = chunk.shape;
  const cStride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const strings = chunk.stride.every((s, i) => s === cStride[i] || shape[i] === 1)
    ? values
    : values.map(
        (_, c) => values[shape.reduce((o, n, d) => o + (Math.floor(c / cStride[d]) % n) * chunk.stride[d], 0)],
      );
  return { shape: meta.chunkShape, strings };
}

/** zarrita 0.7 reads a shard's index as a suffix, whatever `index_location` says. */
function indexAtStart(metadata: Attrs): boolean {
  const codecs = (metadata.codecs ?? []) as { name: string; configuration?: { index_location?: string } }[];
  return codecs.some((c) => c.name === 'sharding_indexed' && c.configuration?.index_location === 'start');
}

/**
 * For shards with the index at the start, answer zarrita's suffix request for
 * the index with the same number of bytes from the start. Inner-chunk offsets
 * in the index are absolute, so everything else reads unchanged.
 */
function shardIndexAtStart(kv: KvStore, arrayKey: string): KvStore {
  const prefix = arrayKey === '' ? '' : `${arrayKey}/`;
  return {
    ...kv,
    get: (k, o) => kv.get(k, o),
    object: (k, o) => kv.object(k, o),
    getRange(k, range, o) {
      if ('suffixLength' in range && k.startsWith(prefix) && !k.endsWith('zarr.json')) {
        return kv.getRange(k, { offset: 0, length: range.suffixLength }, o);
      }
      return kv.getRange(k, range, o);
    },
  };
}

function normaliseFill(v: unknown, dtype: ArrayMeta['dtype']): ArrayMeta['fillValue'] {
  if (dtype === 'string') return typeof v === 'string' ? v : '';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  if (dtype === 'int64' || dtype === 'uint64') return 0n;
  return dtype === 'bool' ? false : 0;
}

async function readChunk(
  arr: zarr.Array<zarr.DataType, zarr.Readable>,
  meta: ArrayMeta,
  coords: readonly number[],
  path: string,
  opts: IoOptions,
  cache?: { chunks: DecodedChunks; kv: KvStore },
): Promise<Chunk> {
  if (!isDType(meta.dtype)) {
    throw new BridgeError('NotRepresentable', `data type ${String(meta.dtype).slice(7)} is served only as stored`, {
      key: path,
    });
  }
  const dtype: DType = meta.dtype;
  const id = `${path}/${coords.join('/')}`;
  const hit = await cache?.chunks.get(cache.kv, id, opts);
  if (hit) return hit;
  const reads: string[] = [];
  const chunk = await decodeChunk(arr, coords, path, { signal: opts.signal, reads });
  const bpe = bytesPerElement(dtype);
  const data = chunk.data as unknown as { buffer: ArrayBufferLike; byteOffset: number; length: number };
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.length * bpe);
  const cOrder = toCOrder(raw, chunk.shape, chunk.stride, bpe);
  // zarrita returns full-size chunks; keep the invariant even if it did not.
  const bytes = copyRegion(cOrder, chunk.shape, meta.chunkShape, bpe);
  const decoded: Chunk = { shape: meta.chunkShape, bytes };
  return cache ? cache.chunks.set(cache.kv, id, decoded, reads, opts) : decoded;
}

function storedEncoding(kv: KvStore, key: string, format: 2 | 3, metadata: Attrs): StoredEncoding {
  const shape = metadata.shape as number[];
  const grid =
    format === 2
      ? (metadata.chunks as number[])
      : ((metadata.chunk_grid as { configuration: { chunk_shape: number[] } }).configuration.chunk_shape as number[]);
  const chunkCounts = shape.map((s, i) => Math.ceil(s / grid[i]));
  const parseKey = format === 2 ? v2KeyParser(metadata) : v3KeyParser(metadata);
  return {
    format: format === 2 ? 'zarr2' : 'zarr3',
    metadata,
    async object(chunkKey, opts) {
      const coords = parseKey(chunkKey);
      if (!coords || coords.length !== shape.length) {
        throw new BridgeError('BadRequest', `not a chunk key of this array: ${chunkKey}`, { key: chunkKey });
      }
      if (coords.some((c, i) => c >= chunkCounts[i])) return undefined;
      return kv.object(joinKey(key, chunkKey), opts);
    },
  };
}

const INDEX = /^\d{1,9}$/;

function v2KeyParser(zarray: Attrs): (k: string) => number[] | undefined {
  const sep = zarray.dimension_separator === '/' ? '/' : '.';
  const rank = (zarray.shape as number[]).length;
  return (k) => {
    if (rank === 0) return k === '0' ? [] : undefined;
    const parts = k.split(sep);
    return parts.every((p) => INDEX.test(p)) ? parts.map(Number) : undefined;
  };
}

function v3KeyParser(meta: Attrs): (k: string) => number[] | undefined {
  const enc = (meta.chunk_key_encoding ?? { name: 'default' }) as {
    name: string;
    configuration?: { separator?: string };
  };
  const sep = enc.configuration?.separator ?? (enc.name === 'v2' ? '.' : '/');
  const rank = (meta.shape as number[]).length;
  return (k) => {
    if (enc.name === 'v2') {
      if (rank === 0) return k === '0' ? [] : undefined;
    } else {
      if (k === 'c' && rank === 0) return [];
      if (!k.startsWith(`c${sep}`)) return undefined;
      k = k.slice(2);
    }
    const parts = k.split(sep);
    return parts.every((p) => INDEX.test(p)) ? parts.map(Number) : undefined;
  };
}

/** zarrita's decode of one chunk; a failure that is not ours (an abort, a store error) means the bytes are bad. */
async function decodeChunk(
  arr: zarr.Array<zarr.DataType, zarr.Readable>,
  coords: readonly number[],
  path: string,
  opts: NotedReadOptions,
): Promise<zarr.Chunk<zarr.DataType>> {
  try {
    // The options object itself, so the store can note the keys read into it.
    return await arr.getChunk([...coords], opts);
  } catch (e) {
    if (opts.signal?.aborted) throw new BridgeError('Aborted', 'aborted', { cause: e });
    if (e instanceof BridgeError) throw e;
    // zarrita's message names the codec; the reason is in its cause.
    const cause = (e as Error).cause instanceof Error ? `: ${((e as Error).cause as Error).message}` : '';
    throw new BridgeError('CorruptData', `chunk ${coords.join(',')} does not decode: ${(e as Error).message}${cause}`, {
      key: `${path}/${coords.join('/')}`,
      cause: e,
    });
  }
}

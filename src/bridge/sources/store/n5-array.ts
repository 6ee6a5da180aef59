/**
 * An N5 dataset in a KvStore as a catalog ArrayNode. N5 dimensions are the
 * Zarr shape reversed; that reversal happens here and nowhere else.
 */

import { byteSwapInPlace, copyRegion, toCOrder } from '../../encode/c-order.js';
import { BridgeError } from '../../errors.js';
import { bytesPerElement, type DType, fromN5DataType } from '../../model/dtype.js';
import type { ArrayMeta, ArrayNode, Attrs, Chunk, IoOptions, StoredEncoding } from '../../model/node.js';
import { encodedLimit } from '../../util/decode-limits.js';
import { joinKey, type KvStore } from './kv-store.js';
import { decompressN5, type N5Compression, parseN5Header } from './n5-block.js';

export const isN5Dataset = (a: Attrs): boolean =>
  Array.isArray(a.dimensions) && Array.isArray(a.blockSize) && typeof a.dataType === 'string';

const N5_ARRAY_KEYS = ['dimensions', 'blockSize', 'dataType', 'compression'];

export function openN5Array(kv: KvStore, key: string, path: string, attributes: Attrs): ArrayNode {
  const dims = attributes.dimensions as number[];
  const block = attributes.blockSize as number[];
  const dtype: ArrayMeta['dtype'] = fromN5DataType(String(attributes.dataType)) ?? `opaque:${attributes.dataType}`;
  const axes = Array.isArray(attributes.axes) ? (attributes.axes as string[]) : undefined;
  const meta: ArrayMeta = {
    shape: [...dims].reverse(),
    chunkShape: [...block].reverse(),
    dtype,
    fillValue: dtype === 'int64' || dtype === 'uint64' ? 0n : 0,
    ...(axes && axes.length === dims.length ? { dimensionNames: [...axes].reverse() } : {}),
  };
  const attrs = Object.fromEntries(Object.entries(attributes).filter(([k]) => !N5_ARRAY_KEYS.includes(k)));
  const compression = (attributes.compression ?? { type: 'raw' }) as N5Compression;
  return {
    kind: 'array',
    path,
    attrs,
    meta,
    stored: n5Stored(kv, key, attributes, dims, block),
    readChunk: (coords, opts) => readN5Chunk(kv, key, path, meta, compression, coords, opts),
  };
}

async function readN5Chunk(
  kv: KvStore,
  key: string,
  path: string,
  meta: ArrayMeta,
  compression: N5Compression,
  coords: readonly number[],
  opts: IoOptions,
): Promise<Chunk> {
  if (typeof meta.dtype !== 'string' || meta.dtype.startsWith('opaque:')) {
    throw new BridgeError('NotRepresentable', `N5 data type ${meta.dtype} is not supported`, { key: path });
  }
  const dtype = meta.dtype as DType;
  const bpe = bytesPerElement(dtype);
  const blockKey = joinKey(key, [...coords].reverse().join('/'));
  const full = meta.chunkShape.reduce((a, b) => a * b, 1) * bpe;
  // The header (mode, rank, dimensions, element count) and at most a full block, compressed.
  const raw = await kv.get(blockKey, {
    signal: opts.signal,
    maxBytes: 12 + 4 * meta.shape.length + encodedLimit(full),
  });
  if (!raw) return { shape: meta.chunkShape, bytes: new Uint8Array(full) };
  try {
    const header = parseN5Header(raw);
    if (header.mode !== 0) throw new Error(`N5 block mode ${header.mode} is not supported`);
    if (header.dims.length !== meta.shape.length) throw new Error('block rank differs from the dataset');
    const stored = [...header.dims].reverse();
    // A block never holds more than its dataset's block size (edge blocks hold less): that bounds decompression.
    if (stored.some((d, i) => d > meta.chunkShape[i])) {
      throw new Error(
        `block header says ${header.dims.join('×')}, more than the block size ${[...meta.chunkShape].reverse().join('×')}`,
      );
    }
    const n = stored.reduce((a, b) => a * b, 1);
    const data = await decompressN5(raw.subarray(header.headerBytes), compression, n * bpe);
    if (data.length < n * bpe) throw new Error(`block holds ${data.length} bytes, header says ${n * bpe}`);
    const le = byteSwapInPlace(new Uint8Array(data.subarray(0, n * bpe)), bpe);
    const cOrder = toCOrder(
      le,
      stored,
      stored.map((_, i) => stored.slice(i + 1).reduce((a, b) => a * b, 1)),
      bpe,
    );
    return { shape: meta.chunkShape, bytes: copyRegion(cOrder, stored, meta.chunkShape, bpe) };
  } catch (e) {
    if (e instanceof BridgeError) throw e;
    if (opts.signal?.aborted) throw new BridgeError('Aborted', 'aborted', { cause: e });
    throw new BridgeError('CorruptData', `N5 block ${blockKey} does not decode: ${(e as Error).message}`, {
      key: `${path}/${[...coords].reverse().join('/')}`,
      cause: e,
    });
  }
}

function n5Stored(kv: KvStore, key: string, attributes: Attrs, dims: number[], block: number[]): StoredEncoding {
  const counts = dims.map((d, i) => Math.ceil(d / block[i]));
  return {
    format: 'n5',
    metadata: attributes,
    async object(blockKey, opts) {
      const parts = blockKey.split('/');
      if (parts.length !== dims.length || !parts.every((p) => /^\d{1,9}$/.test(p))) {
        throw new BridgeError('BadRequest', `not a block key of this dataset: ${blockKey}`, { key: blockKey });
      }
      if (parts.some((p, i) => Number(p) >= counts[i])) return undefined;
      return kv.object(joinKey(key, blockKey), opts);
    },
  };
}

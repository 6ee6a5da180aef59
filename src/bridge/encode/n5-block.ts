/**
 * Encoding of N5 blocks as Neuroglancer, n5-viewer and zarr-python read them:
 * header (mode 0, ndim, block dims — clipped at the edge — all big-endian),
 * then the (gzip or raw) big-endian elements in N5 order (x fastest).
 */
import { bytesPerElement, type DType } from '../model/dtype.js';
import type { Chunk } from '../model/node.js';
import { copyRegion, toBigEndian } from './c-order.js';
import { type Compression, compress } from './compression.js';

/**
 * `chunk` is the full-size chunk at `chunkCoords` (Zarr order); the block is
 * clipped to the array `shape`.
 */
export async function encodeN5Block(
  chunk: Chunk,
  chunkCoords: readonly number[],
  shape: readonly number[],
  dtype: DType,
  compression: Compression = 'gzip',
): Promise<Uint8Array> {
  const bpe = bytesPerElement(dtype);
  const clipped = chunk.shape.map((c, i) => Math.min(c, shape[i] - chunkCoords[i] * c));
  const region = copyRegion(chunk.bytes, chunk.shape, clipped, bpe);
  const payload = await compress(compression, toBigEndian(region, bpe));
  const rank = clipped.length;
  const out = new Uint8Array(4 + 4 * rank + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0);
  view.setUint16(2, rank);
  // N5 order: the Zarr shape reversed.
  for (let i = 0; i < rank; i++) view.setUint32(4 + 4 * i, clipped[rank - 1 - i]);
  out.set(payload, 4 + 4 * rank);
  return out;
}

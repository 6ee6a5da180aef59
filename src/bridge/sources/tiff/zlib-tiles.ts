/**
 * TIFF tiles that already are Zarr v2 chunks. A tile compressed with Deflate
 * or Adobe Deflate (a zlib stream, RFC 1950) without a predictor, of one
 * sample per pixel and exactly one chunk in size, inflates to the chunk's
 * C-order bytes in the file's byte order, full size at the edges too: what
 * numcodecs' `zlib` compressor reads. A level all of whose planes are stored
 * so is described as a stored Zarr v2 array (its `.zarray` and a lookup from
 * chunk key to tile), and the /zarr/v2 face passes the file's bytes on.
 */
import { BridgeError } from '../../errors.js';
import { type DType, v2Descr } from '../../model/dtype.js';
import type { IoOptions, StoredEncoding, StoredObject } from '../../model/node.js';
import { COMPRESSION, type TiffPage } from './page.js';
import type { PageBytes } from './read-region.js';

/** Whether `page`'s tiles are zlib streams of whole chunks of `chunk` (y, x). */
export function zlibChunks(page: TiffPage, chunk: readonly [number, number]): boolean {
  return (
    page.tiled &&
    (page.compression === COMPRESSION.deflate || page.compression === COMPRESSION.adobeDeflate) &&
    page.predictor === 1 &&
    page.samples === 1 &&
    page.blockHeight === chunk[0] &&
    page.blockWidth === chunk[1]
  );
}

/** Tile (`ty`, `tx`) of a page, as stored; undefined for an empty tile (read as zeros, the fill value). */
export async function storedTile(
  src: PageBytes,
  ty: number,
  tx: number,
  opts: IoOptions,
): Promise<StoredObject | undefined> {
  const { page } = src;
  const { offsets, counts } = await page.blocks();
  const index = ty * Math.ceil(page.width / page.blockWidth) + tx;
  const offset = offsets[index];
  const length = counts[index];
  if (offset === undefined || length === undefined) {
    throw new BridgeError('CorruptData', `${src.where}: tile ${index} is missing from the file's index`);
  }
  if (length === 0) return undefined;
  const object = await src.stored(offset, length, opts);
  if (!object) throw new BridgeError('NotFound', `${src.where}: the file is no longer there`);
  // Never a 200 with a cut-off stream: the file ends before the tile its index names.
  if (object.size !== length) {
    object.release?.();
    throw new BridgeError('CorruptData', `${src.where}: tile ${index} runs past the end`);
  }
  return object;
}

/**
 * A level whose chunks are zlib tiles, as a stored Zarr v2 array. `tile`
 * answers for chunk coordinates already checked against the grid.
 */
export function zlibTileEncoding(
  shape: readonly number[],
  chunkShape: readonly number[],
  dtype: DType,
  littleEndian: boolean,
  tile: (coords: readonly number[], opts: IoOptions) => Promise<StoredObject | undefined>,
): StoredEncoding {
  const grid = shape.map((n, i) => Math.ceil(n / chunkShape[i]!));
  return {
    format: 'zarr2',
    metadata: {
      zarr_format: 2,
      shape: [...shape],
      chunks: [...chunkShape],
      // The file's own byte order, declared: the stored bytes are passed on as they are.
      dtype: v2Descr(dtype, littleEndian ? 'little' : 'big'),
      // Inflating ignores the level; Neuroglancer requires one to be given.
      compressor: { id: 'zlib', level: 1 },
      fill_value: 0,
      order: 'C',
      filters: null,
      dimension_separator: '/',
    },
    async object(key, opts) {
      // Tiled's `.` spelling is taken too.
      const parts = key.split(/[./]/);
      if (parts.length !== grid.length || !parts.every((p) => /^(0|[1-9]\d{0,8})$/.test(p))) return undefined;
      const coords = parts.map(Number);
      if (coords.some((c, i) => c >= grid[i]!)) return undefined;
      return tile(coords, opts);
    },
  };
}

/**
 * A plane: one 2D raster of one or more samples (a TIFF page, a PNG or JPEG
 * slice), read by rectangle. Images are made of planes; chunks are cut from
 * them along the grid the planes' own tiles or strips suggest.
 */
import type { DType } from '../../model/dtype.js';
import type { IoOptions, StoredObject } from '../../model/node.js';
import type { TiffPage } from './page.js';
import { type PageBytes, type Region, readRegion } from './read-region.js';
import { storedTile } from './zlib-tiles.js';

export interface Plane {
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  readonly dtype: DType;
  /** The file it is read from, in its folder: what chunk caches revalidate against. */
  readonly key: string;
  /** Samples `first`..`first+count-1` of `region`, planar and little-endian: out[s][y][x]. */
  read(region: Region, first: number, count: number, opts: IoOptions): Promise<Uint8Array>;
  /** Tile (`ty`, `tx`) as stored in the file; a Zarr v2 chunk where the level says so (`LevelLayout.zlibTiles`). */
  storedTile?(ty: number, tx: number, opts: IoOptions): Promise<StoredObject | undefined>;
}

export function tiffPlane(bytes: PageBytes, key: string): Plane {
  const { page } = bytes;
  return {
    width: page.width,
    height: page.height,
    samples: page.samples,
    dtype: page.dtype,
    key,
    read: (region, first, count, opts) => readRegion(bytes, region, first, count, opts),
    storedTile: (ty, tx, opts) => storedTile(bytes, ty, tx, opts),
  };
}

/** Rows of a chunk cut from strips: a few hundred, a whole number of strips when they are compressed. */
const STRIP_CHUNK_ROWS = 256;
/** Strips up to this wide make chunks of the full width; wider ones are cut across too. */
const FULL_WIDTH_UP_TO = 4096;
const WIDE_CHUNK = 1024;
/** Tiles smaller than this are grouped into chunks of about this size. */
const MIN_TILED_CHUNK = 256;

/** The y, x chunk shape for planes laid out like `page`. */
export function chunkShapeFor(page: TiffPage): [number, number] {
  if (page.tiled) {
    const k = (n: number) => Math.max(1, Math.floor(MIN_TILED_CHUNK / n));
    return [
      // A plane smaller than one chunk is one chunk of its own size.
      Math.min(page.blockHeight * k(page.blockHeight), page.height),
      Math.min(page.blockWidth * k(page.blockWidth), page.width),
    ];
  }
  const rows =
    page.compression === 1
      ? STRIP_CHUNK_ROWS
      : page.blockHeight * Math.max(1, Math.round(STRIP_CHUNK_ROWS / page.blockHeight));
  return [Math.min(rows, page.height), page.width <= FULL_WIDTH_UP_TO ? page.width : WIDE_CHUNK];
}

/** The y, x chunk shape for planes decoded whole (PNG, JPEG). */
export function chunkShapeForRaster(height: number, width: number): [number, number] {
  return [Math.min(height, 512), Math.min(width, 512)];
}

/**
 * A folder of numbered 2D images (TIFF, PNG, JPEG) as a z stack, in natural
 * order. Mounting lists the folder and opens the first slice only; every
 * other slice is opened, and checked against the first, when first read.
 */
import { BridgeError } from '../../errors.js';
import type { DType } from '../../model/dtype.js';
import type { IoOptions } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import type { FolderStore } from '../store/folder-store.js';
import { type ImageLayout, rgbChannels } from './image-layout.js';
import { chunkShapeFor, chunkShapeForRaster, type Plane, tiffPlane } from './plane.js';
import { decodedRaster, isRasterName, rasterPlane } from './raster-slice.js';
import { TiffFile } from './tiff-file.js';

/** A slice that does not match the first: the error names the file. */
export class OddSliceError extends BridgeError {
  readonly slice: string;
  constructor(slice: string, message: string) {
    super('CorruptData', message, { key: slice });
    this.slice = slice;
  }
}

interface SliceShape {
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  readonly dtype: DType;
}

const describe = (s: SliceShape) => `${s.width}×${s.height}${s.samples > 1 ? `×${s.samples}` : ''} ${s.dtype}`;

/** Opens one slice as a plane (TIFF: its first page, read by range; PNG/JPEG: decoded whole). */
async function openSlice(store: FolderStore, key: string, version: string, opts: IoOptions): Promise<Plane> {
  if (isRasterName(key)) {
    const r = await decodedRaster(store, key, version, opts);
    return rasterPlane(store, key, version, r);
  }
  const file = await TiffFile.open(store, key, opts);
  return tiffPlane(await file.page({ index: 0 }, opts), key);
}

/**
 * The stack image over `slices` (keys in `store`, already in order). Only the
 * first slice is opened here; `name` names the image.
 */
export async function stackImage(
  store: FolderStore,
  slices: readonly string[],
  name: string,
  opts: IoOptions,
): Promise<ImageLayout> {
  const firstKey = slices[0];
  if (firstKey === undefined) throw new BridgeError('NotFound', `${name} holds no TIFF, PNG or JPEG slice`);
  const firstVersion = await store.version(firstKey);
  if (!firstVersion) throw new BridgeError('NotFound', `${firstKey} is not there`, { key: firstKey });
  let chunk: [number, number];
  let first: SliceShape;
  if (isRasterName(firstKey)) {
    const r = await decodedRaster(store, firstKey, firstVersion, opts);
    first = r;
    chunk = chunkShapeForRaster(r.height, r.width);
  } else {
    const file = await TiffFile.open(store, firstKey, opts);
    const page = (await file.page({ index: 0 }, opts)).page;
    first = page;
    chunk = chunkShapeFor(page);
  }
  // Opened slices, by key and version: a slice rewritten on disk is opened (and checked) again.
  const opened = new LruCache<string, Promise<Plane>>(4096);
  async function plane(z: number, o: IoOptions): Promise<Plane> {
    const key = slices[z];
    if (key === undefined) throw new BridgeError('NotFound', `no slice ${z} in ${name}`);
    const version = await store.version(key);
    if (!version) throw new BridgeError('NotFound', `slice ${key} is gone`, { key });
    const id = `${key}\0${version}`;
    let hit = opened.get(id);
    if (!hit) {
      hit = openSlice(store, key, version, o).then((p) => {
        if (
          p.width !== first.width ||
          p.height !== first.height ||
          p.samples !== first.samples ||
          p.dtype !== first.dtype
        ) {
          throw new OddSliceError(
            key,
            `slice ${key} is ${describe(p)}, but the stack's first slice ${firstKey} is ${describe(first)}: every slice must have the same shape and type`,
          );
        }
        return p;
      });
      opened.set(id, hit);
      hit.catch(() => opened.delete(id));
    }
    return hit;
  }
  return {
    name,
    sizeT: 1,
    sizeC: first.samples,
    sizeZ: slices.length,
    samplesPerPlane: first.samples,
    dtype: first.dtype,
    levels: [{ height: first.height, width: first.width, chunk, plane: (at, o) => plane(at.z, o) }],
    physical: {},
    channels: first.samples === 3 ? rgbChannels() : [],
    attrs: { stack: { slices: slices.length, first: firstKey, last: slices[slices.length - 1] } },
  };
}

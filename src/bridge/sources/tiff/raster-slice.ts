/**
 * PNG and JPEG slices of a stack: a file that can only be decoded whole
 * (fast-png; geotiff.js's JPEG decoder), kept decoded for the chunks cut
 * from it next, within a budget shared by all stacks.
 */

import { getDecoder } from 'geotiff';
import { BridgeError, isAbortError } from '../../errors.js';
import type { DType } from '../../model/dtype.js';
import { bytesPerElement } from '../../model/dtype.js';
import type { IoOptions } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import type { FolderStore } from '../store/folder-store.js';
import type { Plane } from './plane.js';
import type { Region } from './read-region.js';
import { ycbcrToRgb } from './ycbcr.js';

export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  readonly dtype: DType;
  /** Interleaved samples, little-endian. */
  readonly data: Uint8Array;
}

const DECODED = new LruCache<string, Raster>(256 * 2 ** 20, (r) => r.data.byteLength + 256);
const DECODING = new Map<string, Promise<Raster>>();

export const isRasterName = (name: string): boolean => /\.(png|jpe?g)$/i.test(name);

/** The decoded raster of `key` at `version`, decoding it once however many chunks ask. */
export function decodedRaster(store: FolderStore, key: string, version: string, opts: IoOptions): Promise<Raster> {
  const id = `${store.root}\0${key}\0${version}`;
  const hit = DECODED.get(id);
  if (hit) return Promise.resolve(hit);
  let decoding = DECODING.get(id);
  if (!decoding) {
    // Not bound to one request's signal: every chunk of the slice waits for this decode.
    decoding = (async () => {
      const bytes = await store.get(key, {});
      if (!bytes) throw new BridgeError('NotFound', `${key} is no longer there`, { key });
      return decodeRaster(bytes, key);
    })().finally(() => DECODING.delete(id));
    DECODING.set(id, decoding);
    decoding.then(
      (r) => DECODED.set(id, r),
      () => undefined,
    );
  }
  opts.signal?.throwIfAborted();
  return decoding;
}

export async function decodeRaster(bytes: Uint8Array, key: string): Promise<Raster> {
  try {
    return /\.png$/i.test(key) ? await png(bytes, key) : await jpeg(bytes, key);
  } catch (e) {
    if (e instanceof BridgeError || isAbortError(e)) throw e;
    throw new BridgeError('CorruptData', `${key} does not decode: ${(e as Error).message}`, { key, cause: e });
  }
}

async function png(bytes: Uint8Array, key: string): Promise<Raster> {
  // Loaded on the first PNG slice only (start-up a TIFF does not need).
  const { decode: decodePng } = await import('fast-png');
  const img = decodePng(bytes);
  if (img.depth !== 8 && img.depth !== 16) {
    throw new BridgeError('NotRepresentable', `${key}: ${img.depth}-bit PNG samples are not supported`, { key });
  }
  const d = img.data;
  // fast-png gives 16-bit samples as a native (little-endian) Uint16Array.
  const data = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return {
    width: img.width,
    height: img.height,
    samples: img.channels,
    dtype: img.depth === 16 ? 'uint16' : 'uint8',
    data,
  };
}

async function jpeg(bytes: Uint8Array, key: string): Promise<Raster> {
  const decoder = (await getDecoder(7, {
    tileWidth: 0,
    tileHeight: 0,
    predictor: 1,
    bitsPerSample: [8],
    planarConfiguration: 1,
  })) as unknown as {
    decodeBlock(b: ArrayBuffer): ArrayBuffer;
    reader: {
      frames: { samplesPerLine: number; scanLines: number; componentsOrder: number[] }[];
      adobe: { transformCode: number } | null;
    };
  };
  const raw = new Uint8Array(decoder.decodeBlock(bytes.slice().buffer));
  const frame = decoder.reader.frames[0];
  if (!frame) throw new BridgeError('CorruptData', `${key}: no JPEG frame`, { key });
  const samples = frame.componentsOrder.length;
  // JFIF colour JPEGs hold YCbCr; an Adobe marker with transform 0 says the samples are RGB already.
  const data = samples === 3 && decoder.reader.adobe?.transformCode !== 0 ? ycbcrToRgb(raw) : raw;
  return { width: frame.samplesPerLine, height: frame.scanLines, samples, dtype: 'uint8', data };
}

/** A region of a decoded raster, planar: out[s][y][x]. */
export function cutRaster(r: Raster, region: Region, first: number, count: number): Uint8Array {
  const bpe = bytesPerElement(r.dtype);
  const out = new Uint8Array(count * region.height * region.width * bpe);
  let to = 0;
  for (let s = first; s < first + count; s++) {
    for (let y = region.y; y < region.y + region.height; y++) {
      let from = ((y * r.width + region.x) * r.samples + s) * bpe;
      for (let x = 0; x < region.width; x++, from += r.samples * bpe) {
        for (let b = 0; b < bpe; b++) out[to++] = r.data[from + b]!;
      }
    }
  }
  return out;
}

/** A plane over a PNG or JPEG slice, decoded on first read. */
export function rasterPlane(store: FolderStore, key: string, version: string, shape: Omit<Raster, 'data'>): Plane {
  return {
    ...shape,
    key,
    async read(region, first, count, opts) {
      return cutRaster(await decodedRaster(store, key, version, opts), region, first, count);
    },
  };
}

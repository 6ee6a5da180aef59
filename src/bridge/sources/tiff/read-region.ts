/**
 * Reads a rectangle of one page: only the tiles or strips that cover it, each
 * fetched by byte range and decoded, then cut into planar, little-endian
 * samples. Uncompressed strips are read row by row range, so a chunk of a
 * huge single-strip plane reads only its own rows. A block larger than the
 * rectangle (a wide strip) is kept decoded for the neighbouring chunks.
 */
import { BridgeError, isAbortError } from '../../errors.js';
import { bytesPerElement } from '../../model/dtype.js';
import type { IoOptions, StoredObject } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import { type BlockDecoder, swapBytes } from './decoders.js';
import { COMPRESSION, type TiffPage } from './page.js';

export interface Region {
  readonly y: number;
  readonly x: number;
  readonly height: number;
  readonly width: number;
}

/** How to reach one page's bytes. */
export interface PageBytes {
  readonly page: TiffPage;
  /** Identifies the page's file, version and IFD, for the shared block cache. */
  readonly id: string;
  /** Names the page in errors: `file.tif, page 3`. */
  readonly where: string;
  decoder(): Promise<BlockDecoder>;
  read(offset: number, length: number, opts: IoOptions): Promise<ArrayBuffer>;
  /** A byte range of the file as a stored object, to be passed on unchanged (cached as small files are). */
  stored(offset: number, length: number, opts: IoOptions): Promise<StoredObject | undefined>;
}

/** Decoded blocks bigger than the chunks cut from them, shared by all TIFF mounts. */
const SHARED_BLOCKS = new LruCache<string, Uint8Array>(128 * 2 ** 20, (b) => b.byteLength + 128);
/** Blocks being decoded, so the chunks that need one wait for one decode. */
const DECODING = new Map<string, Promise<Uint8Array>>();
/** A block is never decoded whole beyond this (a compressed single-strip 40000² plane). */
const MAX_BLOCK_BYTES = 512 * 2 ** 20;

/** `count` samples from `first`, planar: out[s][y][x], little-endian. */
export async function readRegion(
  src: PageBytes,
  region: Region,
  first: number,
  count: number,
  opts: IoOptions,
): Promise<Uint8Array> {
  const { page } = src;
  const bpe = bytesPerElement(page.dtype);
  const size = count * region.height * region.width * bpe;
  const oneSample = page.samples === 1 || (page.planar === 2 && count === 1);
  if (
    page.tiled &&
    oneSample &&
    region.width === page.blockWidth &&
    region.height === page.blockHeight &&
    region.x % page.blockWidth === 0 &&
    region.y % page.blockHeight === 0
  ) {
    // The region is one whole tile: its decoded bytes are the answer, without a copy.
    const across = Math.ceil(page.width / page.blockWidth);
    const down = Math.ceil(page.height / page.blockHeight);
    const plane = page.planar === 2 ? first * across * down : 0;
    const data = await block(
      src,
      plane + (region.y / page.blockHeight) * across + region.x / page.blockWidth,
      false,
      opts,
    );
    if (data.byteLength < size) throw new BridgeError('CorruptData', `${src.where}: a tile decoded to too few bytes`);
    return data.byteLength === size ? data : data.subarray(0, size);
  }
  if (!page.tiled && page.compression === COMPRESSION.none && oneSample && region.width === page.width) {
    // Whole rows of one strip are the answer as read, without a copy (a slice of a plane converted).
    const rows = await readRawStripRows(src, region, first, opts);
    if (rows) return rows;
  }
  const out = new Uint8Array(size);
  if (!page.tiled && page.compression === COMPRESSION.none) {
    await readRawRows(src, region, first, count, out, opts);
    return out;
  }
  const across = Math.ceil(page.width / page.blockWidth);
  const down = Math.ceil(page.height / page.blockHeight);
  const tx0 = Math.floor(region.x / page.blockWidth);
  const tx1 = Math.floor((region.x + region.width - 1) / page.blockWidth);
  const ty0 = Math.floor(region.y / page.blockHeight);
  const ty1 = Math.floor((region.y + region.height - 1) / page.blockHeight);
  const planes = page.planar === 2 ? Array.from({ length: count }, (_, i) => first + i) : [-1];
  const jobs: Promise<void>[] = [];
  for (const plane of planes) {
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const index = (plane < 0 ? 0 : plane * across * down) + ty * across + tx;
        const box: Region = {
          y: ty * page.blockHeight,
          x: tx * page.blockWidth,
          height: page.blockHeight,
          width: page.blockWidth,
        };
        const whole =
          region.y <= box.y &&
          region.x <= box.x &&
          region.y + region.height >= Math.min(page.height, box.y + box.height) &&
          region.x + region.width >= Math.min(page.width, box.x + box.width);
        jobs.push(
          block(src, index, !whole, opts).then((data) => {
            if (plane < 0) copyChunky(data, box, page, region, first, count, out, bpe, src.where);
            else
              copyPlane(
                data,
                box,
                page.blockWidth,
                region,
                out,
                (plane - first) * region.height * region.width * bpe,
                bpe,
                src.where,
              );
          }),
        );
      }
    }
  }
  await Promise.all(jobs);
  return out;
}

/** A decoded block, little-endian; cached when other chunks will cut from it too. */
async function block(src: PageBytes, index: number, shared: boolean, opts: IoOptions): Promise<Uint8Array> {
  if (!shared) return decodeBlock(src, index, opts);
  const key = `${src.id}\0${index}`;
  const hit = SHARED_BLOCKS.get(key);
  if (hit) return hit;
  let decoding = DECODING.get(key);
  if (!decoding) {
    // Not bound to this request's signal: other chunks may be waiting for the same block.
    decoding = decodeBlock(src, index, {}).finally(() => DECODING.delete(key));
    DECODING.set(key, decoding);
    decoding.then(
      (b) => SHARED_BLOCKS.set(key, b),
      () => undefined,
    );
  }
  opts.signal?.throwIfAborted();
  return decoding;
}

async function decodeBlock(src: PageBytes, index: number, opts: IoOptions): Promise<Uint8Array> {
  const { page } = src;
  const { offsets, counts } = await src.page.blocks();
  const offset = offsets[index];
  const length = counts[index];
  if (offset === undefined || length === undefined) {
    throw new BridgeError('CorruptData', `${src.where}: block ${index} is missing from the file's index`);
  }
  const bpe = bytesPerElement(page.dtype);
  const full = page.blockWidth * page.blockHeight * (page.planar === 1 ? page.samples : 1) * bpe;
  if (full > MAX_BLOCK_BYTES) {
    throw new BridgeError(
      'NotRepresentable',
      `${src.where}: one compressed block of ${Math.round(full / 2 ** 20)} MiB is too large to decode; convert the file to tiles`,
    );
  }
  // An empty block (count 0) reads as zeros, as libtiff does.
  if (length === 0) return new Uint8Array(full);
  const stored = await src.read(offset, length, opts);
  try {
    return await (await src.decoder()).decode(stored);
  } catch (e) {
    if (isAbortError(e) || e instanceof BridgeError) throw e;
    throw new BridgeError('CorruptData', `${src.where}: block ${index} does not decode: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Rows of `box` present in `data` (the last strip may be shorter than the others). */
function rowsIn(data: Uint8Array, rowBytes: number, box: Region, page: TiffPage, where: string): number {
  const wanted = Math.min(box.height, page.height - box.y);
  const have = Math.floor(data.byteLength / rowBytes);
  if (have < wanted) throw new BridgeError('CorruptData', `${where}: a block decoded to ${have} rows, not ${wanted}`);
  return wanted;
}

function copyPlane(
  data: Uint8Array,
  box: Region,
  blockWidth: number,
  region: Region,
  out: Uint8Array,
  outOffset: number,
  bpe: number,
  where: string,
): void {
  const rowBytes = blockWidth * bpe;
  const rows = Math.min(box.height, Math.floor(data.byteLength / rowBytes));
  const y0 = Math.max(region.y, box.y);
  const y1 = Math.min(region.y + region.height, box.y + rows);
  const x0 = Math.max(region.x, box.x);
  const x1 = Math.min(region.x + region.width, box.x + box.width);
  if (y1 - y0 < Math.min(region.y + region.height, box.y + box.height) - y0) {
    throw new BridgeError('CorruptData', `${where}: a block decoded to fewer rows than it holds`);
  }
  const n = (x1 - x0) * bpe;
  for (let y = y0; y < y1; y++) {
    const from = ((y - box.y) * blockWidth + (x0 - box.x)) * bpe;
    const to = outOffset + ((y - region.y) * region.width + (x0 - region.x)) * bpe;
    out.set(data.subarray(from, from + n), to);
  }
}

function copyChunky(
  data: Uint8Array,
  box: Region,
  page: TiffPage,
  region: Region,
  first: number,
  count: number,
  out: Uint8Array,
  bpe: number,
  where: string,
): void {
  const spp = page.samples;
  if (spp === 1) {
    copyPlane(data, box, page.blockWidth, region, out, 0, bpe, where);
    return;
  }
  const rows = rowsIn(data, page.blockWidth * spp * bpe, box, page, where);
  const y0 = Math.max(region.y, box.y);
  const y1 = Math.min(region.y + region.height, box.y + rows);
  const x0 = Math.max(region.x, box.x);
  const x1 = Math.min(region.x + region.width, box.x + box.width);
  const planeBytes = region.height * region.width * bpe;
  for (let s = 0; s < count; s++) {
    const sample = first + s;
    for (let y = y0; y < y1; y++) {
      let from = (((y - box.y) * page.blockWidth + (x0 - box.x)) * spp + sample) * bpe;
      let to = s * planeBytes + ((y - region.y) * region.width + (x0 - region.x)) * bpe;
      for (let x = x0; x < x1; x++, from += spp * bpe, to += bpe) {
        for (let b = 0; b < bpe; b++) out[to + b] = data[from + b]!;
      }
    }
  }
}

/** Full-width rows of one sample within one uncompressed strip, read straight into their own buffer; undefined when they span strips. */
async function readRawStripRows(
  src: PageBytes,
  region: Region,
  sample: number,
  opts: IoOptions,
): Promise<Uint8Array | undefined> {
  const { page } = src;
  const rps = page.blockHeight;
  const strip = Math.floor(region.y / rps);
  if (region.height === 0 || Math.floor((region.y + region.height - 1) / rps) !== strip) return undefined;
  const bpe = bytesPerElement(page.dtype);
  const rowBytes = page.width * bpe;
  const index = (page.planar === 2 ? sample * Math.ceil(page.height / rps) : 0) + strip;
  const { offsets, counts } = await page.blocks();
  const offset = offsets[index];
  const stored = counts[index];
  const at = (region.y - strip * rps) * rowBytes;
  const length = region.height * rowBytes;
  if (offset === undefined || stored === undefined || at + length > stored) {
    throw new BridgeError('CorruptData', `${src.where}: strip ${index} is shorter than its rows`);
  }
  const data = new Uint8Array(await src.read(offset + at, length, opts));
  if (data.byteLength < length) throw new BridgeError('CorruptData', `${src.where}: strip ${index} is cut short`);
  const rows = data.byteLength === length ? data : data.subarray(0, length);
  if (!page.littleEndian && bpe > 1) swapBytes(rows, bpe);
  return rows;
}

/** Uncompressed strips: the rows of `region` only, one read per strip they cross. */
async function readRawRows(
  src: PageBytes,
  region: Region,
  first: number,
  count: number,
  out: Uint8Array,
  opts: IoOptions,
): Promise<void> {
  const { page } = src;
  const bpe = bytesPerElement(page.dtype);
  const spp = page.planar === 1 ? page.samples : 1;
  const rowBytes = page.width * spp * bpe;
  const rps = page.blockHeight;
  const stripsPerPlane = Math.ceil(page.height / rps);
  const { offsets, counts } = await page.blocks();
  const planes = page.planar === 2 ? Array.from({ length: count }, (_, i) => first + i) : [-1];
  const jobs: Promise<void>[] = [];
  for (const plane of planes) {
    for (let y = region.y; y < region.y + region.height; ) {
      const strip = Math.floor(y / rps);
      const end = Math.min(region.y + region.height, (strip + 1) * rps);
      const index = (plane < 0 ? 0 : plane * stripsPerPlane) + strip;
      const offset = offsets[index];
      const stored = counts[index];
      const at = (y - strip * rps) * rowBytes;
      const length = (end - y) * rowBytes;
      if (offset === undefined || stored === undefined || at + length > stored) {
        throw new BridgeError('CorruptData', `${src.where}: strip ${index} is shorter than its rows`);
      }
      const box: Region = { y, x: 0, height: end - y, width: page.width };
      jobs.push(
        src.read(offset + at, length, opts).then((buffer) => {
          const data = new Uint8Array(buffer);
          if (data.byteLength < length)
            throw new BridgeError('CorruptData', `${src.where}: strip ${index} is cut short`);
          if (!page.littleEndian && bpe > 1) swapBytes(data, bpe);
          if (plane >= 0)
            copyPlane(
              data,
              box,
              page.width,
              region,
              out,
              (plane - first) * region.height * region.width * bpe,
              bpe,
              src.where,
            );
          else copyChunky(data, box, page, region, first, count, out, bpe, src.where);
        }),
      );
      y = end;
    }
  }
  await Promise.all(jobs);
}

/**
 * A TIFF file as image layouts: one per OME-XML Image (planes placed by
 * DimensionOrder and TiffData, SubIFDs as pyramid levels), an ImageJ
 * hyperstack (c, z, t from its description), or plain pages as z.
 */
import { basename } from 'node:path';
import { BridgeError, isAbortError } from '../../errors.js';
import type { IoOptions } from '../../model/node.js';
import {
  type ChannelInfo,
  type ImageLayout,
  type LevelLayout,
  omeColor,
  type PhysicalSize,
  type PlaneAt,
  RGB_COLORS,
  RGB_LABELS,
  rgbChannels,
} from './image-layout.js';
import { parseImageJ } from './imagej.js';
import { isOmeXml, type OmeImageXml, parseOmeXml, type Quantity } from './ome-xml.js';
import type { TiffPage } from './page.js';
import { chunkShapeFor, type Plane, tiffPlane } from './plane.js';
import type { PageRef, TiffFile } from './tiff-file.js';
import { ngffLengthUnit, ngffTimeUnit } from './units.js';
import { zlibChunks } from './zlib-tiles.js';

/** The images of `file`, named after `name` (the mount's). */
export async function tiffImages(file: TiffFile, name: string, opts: IoOptions): Promise<ImageLayout[]> {
  const first = (await file.page({ index: 0 }, opts)).page;
  if (isOmeXml(first.description)) {
    const images = await parseOmeXml(first.description, basename(file.key));
    if (images.length === 0) throw new BridgeError('CorruptData', `${file.key}: OME-XML lists no image`);
    return Promise.all(
      images.map((image, i) =>
        omeImage(file, image, images.length > 1 ? (image.name ?? `series ${i}`) : (image.name ?? name), opts),
      ),
    );
  }
  const imagej = parseImageJ(first.description);
  if (imagej) return [await imageJImage(file, first, imagej, name, opts)];
  return [await pagesAsZ(file, first, name, opts)];
}

/** Planes of an image, counted in planes (an RGB plane is one c). */
interface PlaneCounts {
  readonly t: number;
  readonly c: number;
  readonly z: number;
}

/**
 * A level is checked plane by plane for zlib tiles (to pass them on) only up
 * to this many planes: each is one IFD to parse when the file is opened.
 */
const MAX_CHECKED_PLANES = 4096;

/** A pyramid on `pageAt(0,0,0)`'s SubIFDs; each level described from that plane's SubIFD. */
async function levels(
  file: TiffFile,
  firstPage: TiffPage,
  firstIndex: number,
  pageOf: (at: PlaneAt) => number | undefined,
  counts: PlaneCounts,
  opts: IoOptions,
): Promise<LevelLayout[]> {
  const out: LevelLayout[] = [];
  for (let k = 0; k <= firstPage.subIfds.length; k++) {
    const sub = k === 0 ? undefined : k - 1;
    const ref = (index: number): PageRef => (sub === undefined ? { index } : { index, sub });
    const bytes = await file.page(ref(firstIndex), opts);
    const page = bytes.page;
    // An unsupported compression is said when the file is opened, not as a failed chunk later.
    await bytes.decoder();
    // A level must be smaller than the one before it; anything else in SubIFDs (masks, thumbnails of other shapes) ends the pyramid.
    const prev = out[out.length - 1];
    if (prev && !(page.width <= prev.width && page.height <= prev.height && page.dtype === firstPage.dtype)) break;
    const chunk = chunkShapeFor(page);
    const zlib = await everyPlaneZlib(
      file,
      page,
      chunk,
      (at) => {
        const index = pageOf(at);
        return index === undefined ? undefined : ref(index);
      },
      counts,
      opts,
    );
    out.push({
      height: page.height,
      width: page.width,
      chunk,
      async plane(at, o): Promise<Plane | undefined> {
        const index = pageOf(at);
        if (index === undefined) return undefined;
        return tiffPlane(await file.page(ref(index), o), file.key);
      },
      ...(zlib ? { zlibTiles: { littleEndian: page.littleEndian } } : {}),
    });
  }
  return out;
}

/** Whether every plane of a level stores chunks of `chunk` as zlib tiles, in the first plane's shape and type. */
async function everyPlaneZlib(
  file: TiffFile,
  first: TiffPage,
  chunk: readonly [number, number],
  refOf: (at: PlaneAt) => PageRef | undefined,
  counts: PlaneCounts,
  opts: IoOptions,
): Promise<boolean> {
  if (!zlibChunks(first, chunk) || counts.t * counts.c * counts.z > MAX_CHECKED_PLANES) return false;
  for (let t = 0; t < counts.t; t++) {
    for (let c = 0; c < counts.c; c++) {
      for (let z = 0; z < counts.z; z++) {
        const ref = refOf({ t, c, z });
        if (!ref) continue;
        // A plane that cannot be described now fails when it is read; here it only means "transcode".
        const page = await file.page(ref, opts).then(
          (b) => b.page,
          (e: unknown) => {
            if (isAbortError(e)) throw e;
            return undefined;
          },
        );
        if (!page) return false;
        const same = page.width === first.width && page.height === first.height && page.dtype === first.dtype;
        if (!same || !zlibChunks(page, chunk)) return false;
      }
    }
  }
  return true;
}

function physical(q: Quantity | undefined, unitOf: (u: string) => string | undefined): PhysicalSize | undefined {
  if (!q) return undefined;
  const unit = unitOf(q.unit);
  return unit ? { value: q.value, unit } : { value: q.value };
}

async function omeImage(file: TiffFile, image: OmeImageXml, name: string, opts: IoOptions): Promise<ImageLayout> {
  const firstIndex = image.ifdOf(0, 0, 0);
  if (firstIndex === undefined) throw new BridgeError('CorruptData', `${file.key}: image ${name} has no first plane`);
  const first = (await file.page({ index: firstIndex }, opts)).page;
  if (first.width !== image.sizeX || first.height !== image.sizeY) {
    throw new BridgeError(
      'CorruptData',
      `${file.key}: OME-XML says ${image.sizeX}×${image.sizeY} but page ${firstIndex} is ${first.width}×${first.height}`,
    );
  }
  const spp = first.samples;
  if (image.sizeC % spp !== 0) {
    throw new BridgeError('CorruptData', `${file.key}: ${image.sizeC} channels do not fill planes of ${spp} samples`);
  }
  const channels: ChannelInfo[] = [];
  if (spp === 3 && image.sizeC === 3) {
    RGB_COLORS.forEach((color, i) => {
      channels.push({ color, label: RGB_LABELS[i] });
    });
  } else {
    // OME lists one Channel per plane channel; its samples share its name and colour.
    for (let c = 0; c < image.sizeC; c++) {
      const ch = image.channels[Math.floor(c / spp)];
      channels.push({
        ...(ch?.name ? { label: spp > 1 ? `${ch.name} ${c % spp}` : ch.name } : {}),
        ...(ch?.color !== undefined ? { color: omeColor(ch.color) } : {}),
      });
    }
  }
  const counts = { t: image.sizeT, c: image.sizeC / spp, z: image.sizeZ };
  const lv = await levels(file, first, firstIndex, (at) => image.ifdOf(at.z, at.c, at.t), counts, opts);
  return {
    name,
    sizeT: image.sizeT,
    sizeC: image.sizeC,
    sizeZ: image.sizeZ,
    samplesPerPlane: spp,
    dtype: first.dtype,
    levels: lv,
    physical: {
      ...opt('x', physical(image.physicalSizeX, ngffLengthUnit)),
      ...opt('y', physical(image.physicalSizeY, ngffLengthUnit)),
      ...opt('z', physical(image.physicalSizeZ, ngffLengthUnit)),
      ...opt('t', physical(image.timeIncrement, ngffTimeUnit)),
    },
    channels,
    attrs: { tiff: { file: file.key, ome: true, dimensionOrder: image.dimensionOrder, ...pageAttrs(first) } },
  };
}

async function imageJImage(
  file: TiffFile,
  first: TiffPage,
  ij: NonNullable<ReturnType<typeof parseImageJ>>,
  name: string,
  opts: IoOptions,
): Promise<ImageLayout> {
  const spp = first.samples;
  const unit = ngffLengthUnit(ij.unit);
  const pixel = (i: 0 | 1): PhysicalSize | undefined => {
    const r = first.resolution?.[i];
    if (!r || !ij.unit) return undefined;
    return unit ? { value: 1 / r, unit } : { value: 1 / r };
  };
  const z = ij.spacing ? (unit ? { value: ij.spacing, unit } : { value: ij.spacing }) : undefined;
  const t = ij.frameInterval ? { value: ij.frameInterval, unit: 'second' } : undefined;
  // Pages run c fastest, then z, then t.
  const pageOf = (at: PlaneAt) => at.c + ij.channels * (at.z + ij.slices * at.t);
  return {
    name,
    sizeT: ij.frames,
    sizeC: ij.channels * spp,
    sizeZ: ij.slices,
    samplesPerPlane: spp,
    dtype: first.dtype,
    levels: await levels(file, first, 0, pageOf, { t: ij.frames, c: ij.channels, z: ij.slices }, opts),
    physical: { ...opt('x', pixel(0)), ...opt('y', pixel(1)), ...opt('z', z), ...opt('t', t) },
    channels: spp === 3 ? rgbChannels() : [],
    attrs: { tiff: { file: file.key, imagej: true, ...pageAttrs(first) } },
  };
}

/** Plain pages: every full-resolution page of the first page's shape and type is a z plane. */
async function pagesAsZ(file: TiffFile, first: TiffPage, name: string, opts: IoOptions): Promise<ImageLayout> {
  const count = await file.pageCount();
  const planes: number[] = [0];
  for (let i = 1; i < count; i++) {
    const page = (await file.page({ index: i }, opts)).page;
    // Thumbnails, reduced copies and pages of other shapes (a label, a macro image) are not z planes.
    if (
      !page.reduced &&
      page.width === first.width &&
      page.height === first.height &&
      page.dtype === first.dtype &&
      page.samples === first.samples
    ) {
      planes.push(i);
    }
  }
  const spp = first.samples;
  return {
    name,
    sizeT: 1,
    sizeC: spp,
    sizeZ: planes.length,
    samplesPerPlane: spp,
    dtype: first.dtype,
    levels: await levels(file, first, 0, (at) => planes[at.z], { t: 1, c: 1, z: planes.length }, opts),
    physical: {},
    channels: spp === 3 ? rgbChannels() : [],
    attrs: { tiff: { file: file.key, pages: count, ...pageAttrs(first) } },
  };
}

function pageAttrs(page: TiffPage) {
  return {
    compression: page.compression,
    layout: page.tiled ? `tiles ${page.blockWidth}×${page.blockHeight}` : `strips of ${page.blockHeight} rows`,
    byteOrder: page.littleEndian ? 'little-endian' : 'big-endian',
    ...(page.samples > 1 ? { samples: page.samples, planar: page.planar === 2 } : {}),
  };
}

const opt = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

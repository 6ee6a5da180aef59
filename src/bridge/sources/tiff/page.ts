/**
 * One TIFF image file directory (a page, or a SubIFD pyramid level),
 * described once from what geotiff.js parsed: its raster geometry, element
 * type, how its samples are laid out and compressed, and where its tiles or
 * strips are.
 */
import type { ImageFileDirectory } from 'geotiff';
import { BridgeError } from '../../errors.js';
import type { DType } from '../../model/dtype.js';

/** TIFF Compression tag values the decoders understand. */
export const COMPRESSION = {
  none: 1,
  lzw: 5,
  jpeg: 7,
  deflate: 8,
  packBits: 32773,
  adobeDeflate: 32946,
  zstd: 50000,
} as const;

const PHOTOMETRIC_YCBCR = 6;

export interface BlockIndex {
  readonly offsets: ArrayLike<number>;
  readonly counts: ArrayLike<number>;
}

export interface TiffPage {
  readonly width: number;
  readonly height: number;
  /** Samples per pixel (3 for RGB). */
  readonly samples: number;
  readonly dtype: DType;
  /** 1: samples interleaved in each block (chunky); 2: one set of blocks per sample (planar). */
  readonly planar: 1 | 2;
  readonly tiled: boolean;
  /** Tile width, or the image width for strips. */
  readonly blockWidth: number;
  /** Tile height, or rows per strip. */
  readonly blockHeight: number;
  readonly compression: number;
  readonly predictor: number;
  readonly bitsPerSample: readonly number[];
  readonly jpegTables?: Uint8Array;
  /** JPEG-compressed YCbCr, decoded to RGB. */
  readonly ycbcr: boolean;
  readonly littleEndian: boolean;
  /** A reduced-resolution copy of another page (NewSubfileType bit 0), not a plane of its own. */
  readonly reduced: boolean;
  /** File offsets of this page's SubIFDs (pyramid levels in OME-TIFF). */
  readonly subIfds: readonly number[];
  /** ImageDescription, where one is written (OME-XML, ImageJ or tifffile metadata). */
  readonly description?: string;
  /** Pixels per resolution unit along x and y (XResolution, YResolution), where written. */
  readonly resolution?: readonly [number, number];
  /** Offsets and byte counts of the tiles or strips, loaded once on first use. */
  blocks(): Promise<BlockIndex>;
}

const numbers = (v: unknown): number[] => {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number' || typeof v === 'bigint') return [Number(v)];
  return Array.from(v as ArrayLike<number | bigint>, Number);
};

/** X and Y resolution as numbers, when both are written and positive. */
function rationals(x: unknown, y: unknown): [number, number] | undefined {
  const ratio = (v: unknown) => {
    const [num, den] = numbers(v);
    return num !== undefined && den ? num / den : num;
  };
  const rx = ratio(x);
  const ry = ratio(y);
  return rx && ry && rx > 0 && ry > 0 ? [rx, ry] : undefined;
}

function dtypeOf(format: number, bits: number, where: string): DType {
  const types: Record<number, Partial<Record<number, DType>>> = {
    1: { 8: 'uint8', 16: 'uint16', 32: 'uint32', 64: 'uint64' },
    2: { 8: 'int8', 16: 'int16', 32: 'int32', 64: 'int64' },
    3: { 16: 'float16', 32: 'float32', 64: 'float64' },
  };
  const dtype = types[format]?.[bits];
  if (!dtype) {
    const kind =
      format === 2 ? 'signed' : format === 3 ? 'floating-point' : format === 1 ? 'unsigned' : 'unknown-format';
    throw new BridgeError('NotRepresentable', `${where}: ${bits}-bit ${kind} samples are not supported`);
  }
  return dtype;
}

const TAGS = [
  'ImageWidth',
  'ImageLength',
  'SamplesPerPixel',
  'BitsPerSample',
  'SampleFormat',
  'PlanarConfiguration',
  'TileWidth',
  'TileLength',
  'RowsPerStrip',
  'Compression',
  'PhotometricInterpretation',
  'Predictor',
  'JPEGTables',
  'NewSubfileType',
  'SubIFDs',
  'ImageDescription',
  'XResolution',
  'YResolution',
  'ResolutionUnit',
] as const;

/** Describes a parsed IFD; throws NotRepresentable for layouts the bridge cannot present. */
export async function describePage(ifd: ImageFileDirectory, littleEndian: boolean, where: string): Promise<TiffPage> {
  // Values outside the IFD's own bytes (a long ImageDescription, SubIFDs) are loaded here, once.
  const loaded = new Map<string, unknown>();
  await Promise.all(TAGS.filter((t) => ifd.hasTag(t)).map(async (t) => loaded.set(t, await ifd.loadValue(t as never))));
  const value = (name: (typeof TAGS)[number]): unknown => loaded.get(name);
  const width = Number(value('ImageWidth'));
  const height = Number(value('ImageLength'));
  if (!(width > 0 && height > 0)) throw new BridgeError('CorruptData', `${where}: no image size`);
  const samples = Number(value('SamplesPerPixel') ?? 1);
  const bits = numbers(value('BitsPerSample'));
  const formats = numbers(value('SampleFormat'));
  const bitsPerSample = bits.length > 0 ? bits : [1];
  if (bitsPerSample.some((b) => b !== bitsPerSample[0]) || formats.some((f) => f !== (formats[0] ?? 1))) {
    throw new BridgeError('NotRepresentable', `${where}: samples of different types in one pixel are not supported`);
  }
  const dtype = dtypeOf(formats[0] ?? 1, bitsPerSample[0]!, where);
  const planarValue = Number(value('PlanarConfiguration') ?? 1);
  const planar: 1 | 2 = samples > 1 && planarValue === 2 ? 2 : 1;
  const tiled = ifd.hasTag('TileWidth');
  const blockWidth = tiled ? Number(value('TileWidth')) : width;
  const blockHeight = tiled ? Number(value('TileLength')) : Math.min(height, Number(value('RowsPerStrip') ?? height));
  if (!(blockWidth > 0 && blockHeight > 0)) throw new BridgeError('CorruptData', `${where}: no tile or strip size`);
  const compression = Number(value('Compression') ?? COMPRESSION.none);
  const photometric = Number(value('PhotometricInterpretation') ?? 1);
  const ycbcr = photometric === PHOTOMETRIC_YCBCR;
  if (ycbcr && (compression !== COMPRESSION.jpeg || samples !== 3 || dtype !== 'uint8')) {
    throw new BridgeError('NotRepresentable', `${where}: YCbCr samples are supported in JPEG-compressed images only`);
  }
  const tables = value('JPEGTables');
  const description = value('ImageDescription');
  const resolution = rationals(value('XResolution'), value('YResolution'));
  let index: Promise<BlockIndex> | undefined;
  return {
    width,
    height,
    samples,
    dtype,
    planar,
    tiled,
    blockWidth,
    blockHeight,
    compression,
    predictor: Number(value('Predictor') ?? 1),
    bitsPerSample,
    ...(tables ? { jpegTables: new Uint8Array(numbers(tables)) } : {}),
    ycbcr,
    littleEndian,
    reduced: (Number(value('NewSubfileType') ?? 0) & 1) === 1,
    subIfds: numbers(value('SubIFDs')),
    ...(typeof description === 'string' ? { description } : {}),
    ...(resolution ? { resolution } : {}),
    blocks() {
      index ??= (async () => {
        const [offsets, counts] = await Promise.all([
          ifd.loadValue((tiled ? 'TileOffsets' : 'StripOffsets') as never),
          ifd.loadValue((tiled ? 'TileByteCounts' : 'StripByteCounts') as never),
        ]);
        return { offsets: numbers(offsets), counts: numbers(counts) };
      })();
      // A failed read is not remembered.
      index.catch(() => {
        index = undefined;
      });
      return index;
    },
  };
}

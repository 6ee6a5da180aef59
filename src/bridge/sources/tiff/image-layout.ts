/**
 * What a TIFF, an OME-TIFF series or an image stack holds, said once in one
 * shape: sizes in t, c, z (c counted in samples), the pyramid levels, where
 * each plane is, and the physical metadata. The catalog nodes are built from
 * this alone (image-node.ts), whatever file layout it came from.
 */
import type { DType } from '../../model/dtype.js';
import type { Attrs, IoOptions } from '../../model/node.js';
import type { Plane } from './plane.js';

export interface PlaneAt {
  readonly t: number;
  /** Plane channel: channels stored together as one RGB plane share one index. */
  readonly c: number;
  readonly z: number;
}

export interface LevelLayout {
  readonly height: number;
  readonly width: number;
  /** y, x chunk shape. */
  readonly chunk: readonly [number, number];
  /** The plane at `at`; undefined where the file holds none (read as zeros). */
  plane(at: PlaneAt, opts: IoOptions): Promise<Plane | undefined>;
  /**
   * Set when every plane of this level stores its chunks as zlib tiles
   * (zlib-tiles.ts), in this byte order: each plane's `storedTile` is then a Zarr v2 chunk.
   */
  readonly zlibTiles?: { readonly littleEndian: boolean };
}

export interface PhysicalSize {
  readonly value: number;
  /** An NGFF unit name, when the source names one NGFF knows. */
  readonly unit?: string;
}

export interface ChannelInfo {
  readonly label?: string;
  /** `RRGGBB`. */
  readonly color?: string;
}

export interface ImageLayout {
  readonly name: string;
  readonly sizeT: number;
  /** Channels counted in samples: an RGB plane is 3. */
  readonly sizeC: number;
  readonly sizeZ: number;
  /** Samples stored in one plane (3 for RGB). */
  readonly samplesPerPlane: number;
  readonly dtype: DType;
  /** Level 0 first; each smaller in y and x only. */
  readonly levels: readonly LevelLayout[];
  readonly physical: {
    readonly x?: PhysicalSize;
    readonly y?: PhysicalSize;
    readonly z?: PhysicalSize;
    readonly t?: PhysicalSize;
  };
  /** One per channel (sizeC entries), where known. */
  readonly channels: readonly ChannelInfo[];
  /** Where it comes from, for the user (file, pages, compression). */
  readonly attrs: Attrs;
}

/** Omero colours and labels of RGB samples. */
export const RGB_COLORS = ['FF0000', '00FF00', '0000FF'] as const;
export const RGB_LABELS = ['red', 'green', 'blue'] as const;
export const rgbChannels = (): ChannelInfo[] => RGB_COLORS.map((color, i) => ({ color, label: RGB_LABELS[i]! }));

/** OME's signed 32-bit RGBA colour as `RRGGBB`. */
export function omeColor(rgba: number): string {
  return ((rgba >>> 8) & 0xffffff).toString(16).toUpperCase().padStart(6, '0');
}

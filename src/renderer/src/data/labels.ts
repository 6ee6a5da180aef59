/**
 * Label images (segmentations) as RGBA: each id gets its image-label colour, else Neuroglancer's hashed colour
 * (segmentColors.ts); 0 is transparent. Any integer type works, 64-bit ids included: they are read as two 32-bit
 * words, never through float. The RGBA goes to viv as an interleaved source, which it draws as bitmaps.
 */
import type { PixelData, PixelSource, SupportedDtype, TileSelection } from '@vivjs/types';
import type { CatalogNode, ImageLabelColor } from '../../../shared/catalog';
import type { NumericArray } from './chunkCache';
import type { Region } from './levelArray';
import type { Selection, ZarrPixelSource } from './pixelSource';
import { type Rgba, segmentColor } from './segmentColors';

/** Colours by id: explicit ones from image-label, hashed ones filled in as ids are met. */
export class SegmentPalette {
  /** ids below 2^32 by number; wider ids by "hi:lo". */
  readonly #small = new Map<number, number>();
  readonly #wide = new Map<string, number>();

  constructor(colors: ImageLabelColor[] = []) {
    for (const c of colors) {
      if (!c.rgba || !Number.isInteger(c['label-value'])) continue;
      const [lo, hi] = [c['label-value'] >>> 0, Math.floor(c['label-value'] / 2 ** 32) >>> 0];
      this.#set(lo, hi, pack([c.rgba[0], c.rgba[1], c.rgba[2], c.rgba[3] ?? 255]));
    }
  }

  #set(lo: number, hi: number, packed: number): void {
    if (hi === 0) this.#small.set(lo, packed);
    else this.#wide.set(`${hi}:${lo}`, packed);
  }

  /** Packed little-endian RGBA (as a Uint32Array over RGBA bytes reads it). */
  packed(lo: number, hi: number): number {
    const hit = hi === 0 ? this.#small.get(lo) : this.#wide.get(`${hi}:${lo}`);
    if (hit !== undefined) return hit;
    const made = pack(segmentColor(lo, hi));
    this.#set(lo, hi, made);
    return made;
  }

  rgba(lo: number, hi: number): Rgba {
    const p = this.packed(lo, hi);
    return [p & 0xff, (p >>> 8) & 0xff, (p >>> 16) & 0xff, p >>> 24];
  }

  /** RGBA bytes for a region of ids; 0 stays transparent. */
  colorize(data: NumericArray, width: number, height: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(width * height * 4);
    const px = new Uint32Array(out.buffer);
    let lastLo = 0;
    let lastHi = 0;
    let last = 0;
    if (data instanceof BigUint64Array || data instanceof BigInt64Array) {
      const words = new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
      for (let i = 0; i < data.length; i++) {
        const lo = words[2 * i];
        const hi = words[2 * i + 1];
        if (lo === 0 && hi === 0) continue;
        if (lo !== lastLo || hi !== lastHi || last === 0) {
          last = this.packed(lo, hi);
          lastLo = lo;
          lastHi = hi;
        }
        px[i] = last;
      }
      return out;
    }
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (v === 0) continue;
      const lo = v >>> 0;
      const hi = v < 0 ? 0xffffffff : 0;
      if (lo !== lastLo || hi !== lastHi || last === 0) {
        last = this.packed(lo, hi);
        lastLo = lo;
        lastHi = hi;
      }
      px[i] = last;
    }
    return out;
  }
}

function pack([r, g, b, a]: Rgba): number {
  return (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
}

export class LabelPixelSource implements PixelSource<string[]> {
  readonly shape: number[];
  readonly dtype: SupportedDtype = 'Uint8';
  readonly labels: string[] & ['y', 'x', '_c'];
  readonly tileSize: number;
  // viv's bitmap path reads the photometric interpretation from meta; 2 = RGB(A).
  readonly meta = { photometricInterpretation: 2 };
  onTileError: (err: Error) => void = (err) => console.error(err);

  constructor(
    readonly raw: ZarrPixelSource,
    private readonly palette: SegmentPalette,
  ) {
    this.shape = [...raw.shape, 4];
    this.labels = [...raw.labels, '_c'] as string[] & ['y', 'x', '_c'];
    this.tileSize = raw.tileSize;
  }

  private colorize(r: Region): PixelData {
    return { data: this.palette.colorize(r.data, r.width, r.height), width: r.width, height: r.height };
  }

  async getTile({ x, y, selection, signal }: TileSelection<string[]>): Promise<PixelData> {
    const [y0, y1, x0, x1] = this.raw.tileBox(x, y);
    return this.colorize(await this.raw.readRegion(selection as Selection, y0, y1, x0, x1, signal));
  }

  async getRaster({ selection, signal }: { selection: Selection; signal?: AbortSignal }): Promise<PixelData> {
    const [height, width] = this.raw.shape.slice(-2);
    return this.colorize(await this.raw.readRegion(selection, 0, height, 0, width, signal));
  }
}

/** Whether a catalog image is a label image (OME image-label), or holds ids by its data type. */
export function isLabelImage(node: CatalogNode): boolean {
  if (node.ome?.imageLabel) return true;
  const dtype = node.levels?.[0]?.dtype ?? node.array?.dtype;
  return dtype === 'uint64' || dtype === 'int64';
}

export function labelSources(node: CatalogNode, raw: ZarrPixelSource[]): LabelPixelSource[] {
  const palette = new SegmentPalette(node.ome?.imageLabel?.colors);
  return raw.map((s) => new LabelPixelSource(s, palette));
}

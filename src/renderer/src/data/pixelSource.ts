/**
 * A viv PixelSource over one pyramid level (a LevelArray). Tiles are cut from decoded chunks held in the shared
 * chunk cache; 64-bit integers are widened to float32 for display (label layers keep them exact, see labels.ts).
 */
import type { PixelData, PixelSource, SupportedDtype, SupportedTypedArray, TileSelection } from '@vivjs/types';
import type { NumericArray } from './chunkCache';
import type { LevelArray, Region } from './levelArray';

/** viv's tile layer treats exactly this thrown value as "cancelled, not failed". */
export const SIGNAL_ABORTED = '__vivSignalAborted';

/** How each zarr data type is drawn; 64-bit integers and float16 are widened (see `displayData`). */
const DTYPES: Record<string, SupportedDtype> = {
  uint8: 'Uint8',
  uint16: 'Uint16',
  uint32: 'Uint32',
  int8: 'Int8',
  int16: 'Int16',
  int32: 'Int32',
  float32: 'Float32',
  float64: 'Float64',
  float16: 'Float32',
  bool: 'Uint8',
  uint64: 'Float32',
  int64: 'Float32',
};

export type Selection = Record<string, number>;

/** Maps a selection made in level-0 index space to this level's index space. */
export type SelectionMapper = (sel: Selection) => Selection;

export function isDisplayable(dtype: string): boolean {
  return dtype in DTYPES;
}

/** Whether a source's values are integers (viv's dtype names: Uint8, Int16, …, Float32, Float64). */
export const isIntegerDtype = (dtype: string): boolean => !/^Float/.test(dtype);

export class ZarrPixelSource implements PixelSource<string[]> {
  readonly shape: number[];
  readonly dtype: SupportedDtype;
  readonly labels: string[] & ['y', 'x'];
  onTileError: (err: Error) => void = (err) => console.error(err);

  constructor(
    readonly level: LevelArray,
    labels: string[],
    readonly tileSize: number,
    private readonly mapSelection: SelectionMapper = (s) => s,
  ) {
    this.shape = level.shape;
    const dtype = DTYPES[level.dtype];
    if (!dtype) throw new Error(`data of type ${level.dtype} cannot be displayed`);
    this.dtype = dtype;
    // viv's Labels type is a variadic tuple ending in y, x; the axes were validated by the caller.
    this.labels = labels as string[] & ['y', 'x'];
  }

  /** Indices of the leading (non y/x) axes at this level for a level-0 selection. */
  plane(selection: Selection): number[] {
    const mapped = this.mapSelection(selection);
    return this.labels.slice(0, -2).map((name, i) => {
      const index = mapped[name] ?? 0;
      return Math.max(0, Math.min(this.shape[i] - 1, Math.round(index)));
    });
  }

  /** The whole plane. Only for levels known to be small (the caller bounds it). */
  async getRaster({ selection, signal }: { selection: Selection; signal?: AbortSignal }): Promise<PixelData> {
    const [height, width] = this.shape.slice(-2);
    return this.read(selection, 0, height, 0, width, signal);
  }

  async getTile({ x, y, selection, signal }: TileSelection<string[]>): Promise<PixelData> {
    const [y0, y1, x0, x1] = this.tileBox(x, y);
    return this.read(selection as Selection, y0, y1, x0, x1, signal);
  }

  /** Tile (x, y)'s box at this level, `[y0, y1, x0, x1]`: edge tiles stop at the array's edge. */
  tileBox(x: number, y: number): [number, number, number, number] {
    const [height, width] = this.shape.slice(-2);
    const t = this.tileSize;
    return [y * t, Math.min((y + 1) * t, height), x * t, Math.min((x + 1) * t, width)];
  }

  /** Raw values of a box (exact types, 64-bit included), for labels and statistics. */
  async readRegion(
    selection: Selection,
    y0: number,
    y1: number,
    x0: number,
    x1: number,
    signal?: AbortSignal,
  ): Promise<Region> {
    try {
      return await this.level.region(this.plane(selection), y0, y1, x0, x1, signal);
    } catch (err) {
      // Only this read's own signal makes a cancelled tile (drawn later, when it is wanted again). An abort it did
      // not ask for, once the chunk cache has asked again twice, is a failure to show: cancelled, the tile stayed
      // blank with no word of why.
      if (signal?.aborted) throw SIGNAL_ABORTED;
      if (err instanceof DOMException && err.name === 'AbortError') {
        throw new Error('the chunk request was aborted three times, not by the viewer', { cause: err });
      }
      throw err;
    }
  }

  private async read(
    selection: Selection,
    y0: number,
    y1: number,
    x0: number,
    x1: number,
    signal?: AbortSignal,
  ): Promise<PixelData> {
    const r = await this.readRegion(selection, y0, y1, x0, x1, signal);
    return { data: displayData(r.data), width: r.width, height: r.height };
  }
}

/** viv cannot upload 64-bit integers: they become float32 (exact up to 2^24, which suits intensities). */
export function displayData(data: NumericArray): SupportedTypedArray {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return data as SupportedTypedArray;
}

/** Tile side for a level-0 chunk shape: the chunk's y/x extent rounded down to a power of two, 128–512. */
export function guessTileSize(chunkShape: readonly number[]): number {
  const side = Math.min(...chunkShape.slice(-2));
  const pow = 2 ** Math.floor(Math.log2(Math.max(1, side)));
  return Math.max(128, Math.min(512, pow));
}

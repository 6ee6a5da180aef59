/**
 * A viv PixelSource over one zarrita 0.7 array (one pyramid level).
 * Own implementation, as vizarr does: viv's bundled zarrita 0.5 drops abort signals
 * and cannot read arrays opened by another zarrita copy.
 */
import type { PixelData, PixelSource, SupportedDtype, SupportedTypedArray, TileSelection } from '@vivjs/types';
import * as zarr from 'zarrita';

/** viv's tile layer treats exactly this thrown value as "cancelled, not failed". */
const SIGNAL_ABORTED = '__vivSignalAborted';

const DTYPES: Record<string, SupportedDtype> = {
  uint8: 'Uint8',
  uint16: 'Uint16',
  uint32: 'Uint32',
  int8: 'Int8',
  int16: 'Int16',
  int32: 'Int32',
  float32: 'Float32',
  float64: 'Float64',
  bool: 'Uint8',
};

export type Selection = Record<string, number>;

/** Maps a selection made in level-0 index space to this level's index space. */
export type SelectionMapper = (sel: Selection) => Selection;

export class ZarrPixelSource implements PixelSource<string[]> {
  readonly shape: number[];
  readonly dtype: SupportedDtype;
  readonly labels: string[] & ['y', 'x'];
  onTileError: (err: Error) => void = (err) => console.error(err);

  constructor(
    private readonly arr: zarr.Array<zarr.DataType, zarr.Readable>,
    labels: string[],
    readonly tileSize: number,
    private readonly mapSelection: SelectionMapper = (s) => s,
  ) {
    this.shape = arr.shape;
    const dtype = DTYPES[arr.dtype];
    if (!dtype)
      throw new Error(`Data type ${arr.dtype} cannot be displayed (supported: ${Object.keys(DTYPES).join(', ')})`);
    this.dtype = dtype;
    // viv's Labels type is a variadic tuple ending in y, x; the axes were validated by the caller.
    this.labels = labels as string[] & ['y', 'x'];
  }

  async getRaster({ selection, signal }: { selection: Selection; signal?: AbortSignal }): Promise<PixelData> {
    return this.read(selection, null, null, signal);
  }

  async getTile({ x, y, selection, signal }: TileSelection<string[]>): Promise<PixelData> {
    const [height, width] = this.shape.slice(-2);
    const t = this.tileSize;
    const ys = zarr.slice(y * t, Math.min((y + 1) * t, height));
    const xs = zarr.slice(x * t, Math.min((x + 1) * t, width));
    return this.read(selection as Selection, ys, xs, signal);
  }

  private async read(
    selection: Selection,
    ys: zarr.Slice | null,
    xs: zarr.Slice | null,
    signal?: AbortSignal,
  ): Promise<PixelData> {
    const mapped = this.mapSelection(selection);
    const nonSpatial = this.labels.slice(0, -2).map((name, i) => {
      const index = mapped[name] ?? 0;
      return Math.max(0, Math.min(this.shape[i] - 1, Math.round(index)));
    });
    try {
      const chunk = await zarr.get(this.arr, [...nonSpatial, ys, xs], { signal });
      const [height, width] = chunk.shape.slice(-2);
      return { data: toSupported(chunk.data), width, height };
    } catch (err) {
      if (signal?.aborted || (err instanceof DOMException && err.name === 'AbortError')) throw SIGNAL_ABORTED;
      throw err;
    }
  }
}

/** viv cannot upload booleans or 64-bit integers; booleans become 0/1 bytes. */
function toSupported(data: unknown): SupportedTypedArray {
  if (Array.isArray(data)) return Uint8Array.from(data as boolean[], (b) => (b ? 1 : 0));
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return Float32Array.from(data as ArrayLike<bigint> as unknown as number[], (v) => Number(v));
  }
  return data as SupportedTypedArray;
}

/** Largest power of two ≤ the level-0 chunk's y/x extent, capped so small chunks still make sensible tiles. */
export function guessTileSize(chunkShape: number[]): number {
  const side = Math.min(...chunkShape.slice(-2));
  const pow = 2 ** Math.floor(Math.log2(Math.max(1, side)));
  return Math.max(32, Math.min(512, pow));
}

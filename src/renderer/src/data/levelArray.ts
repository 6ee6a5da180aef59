/**
 * One pyramid level as the viewer reads it: a zarrita array behind the shared decoded-chunk cache, read by
 * region (one plane of the non-spatial axes, a y/x box) or by single voxel from what is already cached.
 */
import type * as zarr from 'zarrita';
import { chunkCache, type DecodedChunk, type NumericArray } from './chunkCache';
import { planeElementBytes, planeValues, type ReadPlaneBytes } from './planeRead';

let nextArrayId = 0;

export interface Region {
  data: NumericArray;
  width: number;
  height: number;
}

/** What the catalog already says of a level: enough to lay out tiles before its metadata is fetched. */
export interface LevelInfo {
  shape: number[];
  chunks: number[];
  dtype: string;
}

/** A level's zarrita array, and where it is read from. */
export interface OpenedLevel {
  arr: zarr.Array<zarr.DataType, zarr.Readable>;
  /** Where the level is read from (for error messages). */
  url: string;
  /** Set when its chunks are plain values: a region then reads one plane of each chunk (planeRead.ts). */
  readPlane?: ReadPlaneBytes;
}

export class LevelArray {
  readonly id = `a${nextArrayId++}`;
  readonly shape: number[];
  readonly chunks: number[];
  readonly dtype: string;
  #opened?: Promise<OpenedLevel>;
  #fill: number | bigint = 0;
  #url: string;

  /**
   * A level whose array is opened on its first read (`open`, once): a ten-level BossDB pyramid then
   * fetches the metadata of the levels on screen only, not of all ten before the first tile.
   */
  constructor(
    info: LevelInfo,
    private readonly open: () => Promise<OpenedLevel>,
    url: string,
  ) {
    this.shape = info.shape;
    this.chunks = info.chunks;
    this.dtype = info.dtype;
    this.#url = url;
  }

  /** A level over an array already opened. */
  static of(arr: zarr.Array<zarr.DataType, zarr.Readable>, url: string): LevelArray {
    const level = new LevelArray(
      { shape: arr.shape, chunks: arr.chunks, dtype: arr.dtype },
      async () => ({ arr, url }),
      url,
    );
    level.#opened = level.#check({ arr, url });
    return level;
  }

  /** Where the level is read from (for error messages); known for sure once it is opened. */
  get url(): string {
    return this.#url;
  }

  /** The fill value, once the level has been read from (0 before). */
  get fillValue(): number | bigint {
    return this.#fill;
  }

  /** Opens the array (once; a failed open is tried again by the next read). */
  opened(): Promise<OpenedLevel> {
    this.#opened ??= this.open()
      .then((o) => this.#check(o))
      .catch((e: unknown) => {
        this.#opened = undefined;
        throw e;
      });
    return this.#opened;
  }

  /** The array must be what the catalog said, or tiles laid out from the catalog would read the wrong voxels. */
  async #check(o: OpenedLevel): Promise<OpenedLevel> {
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
    if (!same(o.arr.shape, this.shape) || !same(o.arr.chunks, this.chunks) || o.arr.dtype !== this.dtype)
      throw new Error(
        `${o.url} is ${o.arr.dtype} ${o.arr.shape.join('×')} in chunks of ${o.arr.chunks.join('×')}, not the catalog's ${this.dtype} ${this.shape.join('×')} in chunks of ${this.chunks.join('×')}`,
      );
    const f = o.arr.fillValue;
    this.#fill = typeof f === 'bigint' || typeof f === 'number' ? f : f ? 1 : 0;
    this.#url = o.url;
    return o;
  }

  #key(coords: readonly number[]): string {
    return `${this.id}:${coords.join(',')}`;
  }

  chunk(coords: readonly number[], signal?: AbortSignal): Promise<DecodedChunk> {
    return chunkCache.get(
      this.#key(coords),
      async (s) => {
        const { arr } = await this.opened();
        return normalise(await arr.getChunk([...coords], { signal: s }));
      },
      signal,
    );
  }

  peekChunk(coords: readonly number[]): DecodedChunk | undefined {
    return chunkCache.peek(this.#key(coords));
  }

  /** Chunk coordinates of the chunks a region touches. */
  chunksOf(plane: readonly number[], y0: number, y1: number, x0: number, x1: number): number[][] {
    const rank = this.shape.length;
    const [cy, cx] = [this.chunks[rank - 2], this.chunks[rank - 1]];
    const lead = plane.map((i, d) => Math.floor(i / this.chunks[d]));
    const out: number[][] = [];
    for (let ky = Math.floor(y0 / cy); ky * cy < y1; ky++)
      for (let kx = Math.floor(x0 / cx); kx * cx < x1; kx++) out.push([...lead, ky, kx]);
    return out;
  }

  /** The y0..y1 × x0..x1 box of the plane `plane` (indices of the leading axes), in C order. */
  async region(
    plane: readonly number[],
    y0: number,
    y1: number,
    x0: number,
    x1: number,
    signal?: AbortSignal,
  ): Promise<Region> {
    const coords = this.chunksOf(plane, y0, y1, x0, x1);
    const { readPlane } = await this.opened();
    const byPlane = readPlane && this.#planesPerChunk > 1 ? readPlane : undefined;
    const chunks = await Promise.all(
      coords.map((c) => (byPlane ? this.#planeChunk(c, plane, byPlane, signal) : this.chunk(c, signal))),
    );
    const width = x1 - x0;
    const height = y1 - y0;
    const first = chunks[0]?.data;
    const Ctor = (first?.constructor ?? Uint8Array) as new (n: number) => NumericArray;
    const out = new Ctor(width * height);
    chunks.forEach((chunk, i) => {
      this.#copy(chunk, coords[i], plane, { y0, y1, x0, x1 }, out);
    });
    return { data: out, width, height };
  }

  /** Planes of the leading axes in one chunk: reading one of them is worth a Range request only when there are several. */
  get #planesPerChunk(): number {
    return this.chunks.slice(0, -2).reduce((a, b) => a * b, 1);
  }

  /** Elements before plane `plane` in chunk `coords` (C order). */
  #planeOffset(coords: readonly number[], plane: readonly number[]): number {
    const rank = this.shape.length;
    let stride = this.chunks[rank - 2] * this.chunks[rank - 1];
    let offset = 0;
    for (let d = rank - 3; d >= 0; d--) {
      offset += (plane[d] - coords[d] * this.chunks[d]) * stride;
      stride *= this.chunks[d];
    }
    return offset;
  }

  #planeKey(coords: readonly number[], offset: number): string {
    return `${this.#key(coords)}@${offset}`;
  }

  /**
   * One plane of chunk `coords`, read by range and kept like a chunk whose leading axes have one index (their
   * strides are 0, so `#copy` and `peekValue` find its values as they find a whole chunk's).
   */
  #planeChunk(
    coords: readonly number[],
    plane: readonly number[],
    readPlane: ReadPlaneBytes,
    signal?: AbortSignal,
  ): Promise<DecodedChunk> {
    const whole = this.peekChunk(coords);
    if (whole) return Promise.resolve(whole);
    const rank = this.shape.length;
    const [cy, cx] = [this.chunks[rank - 2], this.chunks[rank - 1]];
    const offset = this.#planeOffset(coords, plane);
    const elementBytes = planeElementBytes(this.dtype);
    return chunkCache.get(
      this.#planeKey(coords, offset),
      async (s) => {
        const bytes = await readPlane(coords, offset * elementBytes, cy * cx * elementBytes, s);
        return {
          data: planeValues(this.dtype, bytes, cy * cx, this.#fill),
          shape: [...this.chunks.slice(0, -2).map(() => 1), cy, cx],
          stride: [...this.chunks.slice(0, -2).map(() => 0), cx, 1],
        };
      },
      signal,
    );
  }

  #copy(
    chunk: DecodedChunk,
    coords: readonly number[],
    plane: readonly number[],
    box: { y0: number; y1: number; x0: number; x1: number },
    out: NumericArray,
  ): void {
    const rank = this.shape.length;
    const { stride, data } = chunk;
    const cy = this.chunks[rank - 2];
    const cx = this.chunks[rank - 1];
    const oy = coords[rank - 2] * cy;
    const ox = coords[rank - 1] * cx;
    let base = 0;
    for (let d = 0; d < rank - 2; d++) base += (plane[d] - coords[d] * this.chunks[d]) * stride[d];
    const ys = Math.max(box.y0, oy);
    const ye = Math.min(box.y1, oy + cy, this.shape[rank - 2]);
    const xs = Math.max(box.x0, ox);
    const xe = Math.min(box.x1, ox + cx, this.shape[rank - 1]);
    const width = box.x1 - box.x0;
    const sy = stride[rank - 2];
    const sx = stride[rank - 1];
    for (let y = ys; y < ye; y++) {
      const src = base + (y - oy) * sy + (xs - ox) * sx;
      const dst = (y - box.y0) * width + (xs - box.x0);
      if (sx === 1) {
        // biome-ignore lint/suspicious/noExplicitAny: both arrays share one element type (made from the chunk's).
        (out as any).set((data as any).subarray(src, src + (xe - xs)), dst);
      } else {
        for (let x = 0; x < xe - xs; x++) out[dst + x] = data[src + x * sx];
      }
    }
  }

  /** The value at `index` (full rank), if its chunk (or its plane of the chunk) is cached; never fetches. */
  peekValue(index: readonly number[]): number | bigint | undefined {
    const coords = index.map((i, d) => Math.floor(i / this.chunks[d]));
    const chunk =
      this.peekChunk(coords) ??
      (index.length > 2 ? chunkCache.peek(this.#planeKey(coords, this.#planeOffset(coords, index))) : undefined);
    if (!chunk) return undefined;
    let offset = 0;
    for (let d = 0; d < index.length; d++) offset += (index[d] - coords[d] * this.chunks[d]) * chunk.stride[d];
    return chunk.data[offset];
  }
}

/** zarrita's chunk with booleans as 0/1 bytes and float16 widened, so every consumer sees plain numbers. */
function normalise(chunk: zarr.Chunk<zarr.DataType>): DecodedChunk {
  const data = chunk.data as unknown;
  let out: NumericArray;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    out = data as NumericArray;
    // Float16Array (where the browser has it) is not one of viv's textures: widen it.
    const f16 = (globalThis as { Float16Array?: new (...a: never[]) => unknown }).Float16Array;
    if (f16 && data instanceof f16) out = Float32Array.from(data as unknown as ArrayLike<number>);
  } else if (data && typeof data === 'object' && 'buffer' in data && 'get' in data) {
    // zarrita's BoolArray: its bytes are already 0/1.
    const b = data as unknown as { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
    out = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } else {
    throw new Error('data type cannot be displayed (strings or objects)');
  }
  return { data: out, shape: chunk.shape, stride: chunk.stride };
}

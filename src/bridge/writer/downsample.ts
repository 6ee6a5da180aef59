/**
 * Downsampling, one function per method in a registry (as ngff-zarr does):
 * each output voxel is made from the block of `factors` input voxels it
 * covers. Odd extents round up, so the last block along an axis may be
 * partial, and a method then uses only the voxels that block has.
 */
import type { DType } from '../model/dtype.js';
import type { DownsampleMethod } from './options.js';

type Numbers =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

/** A typed view of little-endian element bytes (copied when unaligned). */
export function typedView(bytes: Uint8Array, dtype: DType): Numbers {
  const ctor = {
    bool: Uint8Array,
    int8: Int8Array,
    uint8: Uint8Array,
    int16: Int16Array,
    uint16: Uint16Array,
    // float16 is averaged through its bits only by `nearest`/`mode`; mean/max refuse it (see `downsample`).
    float16: Uint16Array,
    int32: Int32Array,
    uint32: Uint32Array,
    float32: Float32Array,
    int64: BigInt64Array,
    uint64: BigUint64Array,
    float64: Float64Array,
  }[dtype];
  const bpe = ctor.BYTES_PER_ELEMENT;
  const aligned = bytes.byteOffset % bpe === 0 ? bytes : bytes.slice();
  return new ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / bpe);
}

/** The extent of a level made from `shape` with `factors` (odd extents round up). */
export const downsampledShape = (shape: readonly number[], factors: readonly number[]): number[] =>
  shape.map((s, i) => Math.ceil(s / factors[i]));

/** Round half to even, as numpy's `rint` (integer means of an even count can end in .5). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type Reducer = (values: Numbers, offsets: Int32Array, count: number, base: number, dtype: DType) => number | bigint;

const mean: Reducer = (values, offsets, count, base, dtype) => {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    let sum = 0n;
    for (let i = 0; i < count; i++) sum += values[base + offsets[i]];
    const n = BigInt(count);
    // Half to even on exact integers: q rounded by comparing twice the remainder with n.
    let q = sum / n;
    let r = sum % n;
    if (r < 0n) {
      q -= 1n;
      r += n;
    }
    const twice = 2n * r;
    if (twice > n || (twice === n && q % 2n !== 0n)) q += 1n;
    return q;
  }
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[base + offsets[i]] as number;
  const m = sum / count;
  return dtype === 'float32' || dtype === 'float64' ? m : roundHalfEven(m);
};

/** The most frequent value; ties go to the smallest (as scipy.stats.mode). */
const mode: Reducer = (values, offsets, count, base) => {
  let best = values[base + offsets[0]];
  let bestCount = 0;
  for (let i = 0; i < count; i++) {
    const v = values[base + offsets[i]];
    let n = 0;
    for (let j = 0; j < count; j++) if (values[base + offsets[j]] === v) n++;
    if (n > bestCount || (n === bestCount && v < best)) {
      best = v;
      bestCount = n;
    }
  }
  return best;
};

/** The first voxel of the block, as a strided slice `[::2]`. */
const nearest: Reducer = (values, offsets, _count, base) => values[base + offsets[0]];

const max: Reducer = (values, offsets, count, base) => {
  let m = values[base + offsets[0]];
  for (let i = 1; i < count; i++) {
    const v = values[base + offsets[i]];
    // NaN wins, as numpy's max.
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
};

export const DOWNSAMPLERS: Record<DownsampleMethod, Reducer> = { mean, mode, nearest, max };

/**
 * Downsample a C-order block of `shape` by `factors` (each ≥ 1). Returns the
 * C-order bytes of `downsampledShape(shape, factors)`.
 */
export function downsample(
  bytes: Uint8Array,
  shape: readonly number[],
  factors: readonly number[],
  method: DownsampleMethod,
  dtype: DType,
): Uint8Array {
  if (factors.every((f) => f === 1)) return bytes;
  if (dtype === 'float16' && (method === 'mean' || method === 'max')) {
    throw new RangeError(`float16 cannot be downsampled by ${method}; use nearest or mode`);
  }
  const reduce = DOWNSAMPLERS[method];
  const src = typedView(bytes, dtype);
  const rank = shape.length;
  const outShape = downsampledShape(shape, factors);
  const outCount = outShape.reduce((a, b) => a * b, 1);
  const Ctor = src.constructor as new (n: number) => Numbers;
  const out = new Ctor(outCount);
  const stride = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    stride[d] = s;
    s *= shape[d];
  }
  // Offsets of a full block; a partial block (at the far edge) gets its own list.
  const blockOffsets = (extent: readonly number[]): Int32Array => {
    const n = extent.reduce((a, b) => a * b, 1);
    const offs = new Int32Array(n);
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < n; i++) {
      let o = 0;
      for (let d = 0; d < rank; d++) o += idx[d] * stride[d];
      offs[i] = o;
      for (let d = rank - 1; d >= 0; d--) {
        if (++idx[d] < extent[d]) break;
        idx[d] = 0;
      }
    }
    return offs;
  };
  const offsetCache = new Map<string, Int32Array>();
  const oidx = new Array<number>(rank).fill(0);
  const extent = new Array<number>(rank);
  for (let o = 0; o < outCount; o++) {
    let base = 0;
    for (let d = 0; d < rank; d++) {
      const start = oidx[d] * factors[d];
      extent[d] = Math.min(factors[d], shape[d] - start);
      base += start * stride[d];
    }
    const key = extent.join(',');
    let offs = offsetCache.get(key);
    if (!offs) {
      offs = blockOffsets(extent);
      offsetCache.set(key, offs);
    }
    (out as unknown as (number | bigint)[])[o] = reduce(src, offs, offs.length, base, dtype);
    for (let d = rank - 1; d >= 0; d--) {
      if (++oidx[d] < outShape[d]) break;
      oidx[d] = 0;
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

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
 *
 * It runs for every voxel of every level, so it is written for speed: the
 * mean of numbers is summed one axis at a time (see `meanOfNumbers`); the
 * other methods visit each block through offsets made once per kind of block
 * (full, or cut short at the far end of some axes: a bit mask, not a string
 * key), with the innermost axis as a plain loop.
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
  if (outCount === 0) return new Uint8Array(out.buffer);
  if (method === 'mean' && !(src instanceof BigInt64Array || src instanceof BigUint64Array)) {
    meanOfNumbers(src as unknown as ArrayLike<number>, shape, factors, out as unknown as number[], dtype);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  const stride = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    stride[d] = s;
    s *= shape[d];
  }
  // Axis d's last block is cut short when its extent is not a multiple of its factor.
  const shortAt = shape.map((n, d) => n % factors[d] !== 0);
  const blocks = new Array<Int32Array | undefined>(1 << rank);
  const offsetsFor = (mask: number): Int32Array => {
    let offs = blocks[mask];
    if (offs) return offs;
    const extent = factors.map((f, d) => (mask & (1 << d) ? shape[d] % f : f));
    const n = extent.reduce((a, b) => a * b, 1);
    offs = new Int32Array(n);
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
    blocks[mask] = offs;
    return offs;
  };
  const inner = rank - 1;
  const fx = factors[inner];
  const nx = outShape[inner];
  const innerBit = shortAt[inner] ? 1 << inner : 0;
  const target = out as unknown as (number | bigint)[];
  // The outer axes as an odometer; the innermost axis runs below it.
  const oidx = new Array<number>(rank).fill(0);
  let o = 0;
  for (;;) {
    let base = 0;
    let mask = 0;
    for (let d = 0; d < inner; d++) {
      base += oidx[d] * factors[d] * stride[d];
      if (shortAt[d] && oidx[d] === outShape[d] - 1) mask |= 1 << d;
    }
    const full = offsetsFor(mask);
    const last = offsetsFor(mask | innerBit);
    for (let x = 0; x < nx; x++, base += fx) {
      const offs = x === nx - 1 ? last : full;
      target[o++] = reduce(src, offs, offs.length, base, dtype);
    }
    let d = inner - 1;
    for (; d >= 0; d--) {
      if (++oidx[d] < outShape[d]) break;
      oidx[d] = 0;
    }
    if (d < 0) break;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The mean of ≤ 32-bit numbers: for each row of output voxels, the input rows
 * its blocks span are found once, and each output voxel sums its few
 * neighbours along them directly (exact in float64), divided by the number of
 * voxels its block has (fewer at the far edge).
 */
function meanOfNumbers(
  src: ArrayLike<number>,
  shape: readonly number[],
  factors: readonly number[],
  out: number[],
  dtype: DType,
): void {
  const rank = shape.length;
  const inner = rank - 1;
  const outShape = downsampledShape(shape, factors);
  const stride = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    stride[d] = s;
    s *= shape[d];
  }
  const exact = dtype === 'float32' || dtype === 'float64';
  // Sums of at most 8 of these fit in 32 bits, so bit operations on them are exact.
  const small = dtype === 'uint8' || dtype === 'int8' || dtype === 'uint16' || dtype === 'int16';
  const fx = factors[inner];
  const nx = outShape[inner];
  const lastX = shape[inner] - (nx - 1) * fx;
  const rows = new Int32Array(factors.slice(0, inner).reduce((a, b) => a * b, 1));
  const oidx = new Array<number>(rank).fill(0);
  const ridx = new Array<number>(rank).fill(0);
  let o = 0;
  for (;;) {
    // The input rows under this row of output voxels.
    let nRows = 0;
    ridx.fill(0);
    for (;;) {
      let at = 0;
      let inside = true;
      for (let d = 0; d < inner; d++) {
        const y = oidx[d] * factors[d] + ridx[d];
        if (y >= shape[d]) inside = false;
        at += y * stride[d];
      }
      if (inside) rows[nRows++] = at;
      let d = inner - 1;
      for (; d >= 0; d--) {
        if (++ridx[d] < factors[d]) break;
        ridx[d] = 0;
      }
      if (d < 0) break;
    }
    const full = nRows * fx;
    // Halving x over 1, 2 or 4 rows of small integers (every 2× pyramid): a block's count is a power of two, so
    // its mean is a shift and a mask, with the sum unrolled; the last block, if cut short, is left to the loop below.
    let x0 = 0;
    if (small && fx === 2 && (nRows === 1 || nRows === 2 || nRows === 4)) {
      x0 = lastX === 2 ? nx : nx - 1;
      o = meanOfPairs(src, rows, nRows, x0, out, o);
    }
    for (let x = x0, at = x0 * fx; x < nx; x++, at += fx) {
      const cx = x === nx - 1 ? lastX : fx;
      let sum = 0;
      for (let r = 0; r < nRows; r++) {
        const row = rows[r] + at;
        for (let k = 0; k < cx; k++) sum += src[row + k];
      }
      const count = cx === fx ? full : nRows * cx;
      if (exact) {
        out[o++] = sum / count;
      } else {
        // Half to even on exact integers, without a floating-point remainder (slow in V8).
        const q = Math.floor(sum / count);
        const twice = 2 * (sum - q * count);
        out[o++] = twice > count || (twice === count && (q & 1) === 1) ? q + 1 : q;
      }
    }
    let d = inner - 1;
    for (; d >= 0; d--) {
      if (++oidx[d] < outShape[d]) break;
      oidx[d] = 0;
    }
    if (d < 0) break;
  }
}

/**
 * `count` output voxels, each the mean (half to even) of a 2-wide block on each of `nRows` input rows (1, 2
 * or 4) starting at `rows[r]`, written to `out` from `o`; returns the next `o`. Only for sums below 2^31: the
 * floor of sum / 2^k is then `sum >> k` and the remainder `sum & (2^k − 1)`, negative sums included.
 */
function meanOfPairs(
  src: ArrayLike<number>,
  rows: Int32Array,
  nRows: 1 | 2 | 4,
  count: number,
  out: number[],
  o: number,
): number {
  const shift = nRows === 1 ? 1 : nRows === 2 ? 2 : 3;
  const mask = (1 << shift) - 1;
  const half = 1 << (shift - 1);
  const [r0, r1, r2, r3] = [rows[0], rows[nRows > 1 ? 1 : 0], rows[nRows > 2 ? 2 : 0], rows[nRows > 2 ? 3 : 0]];
  for (let x = 0, a = 0; x < count; x++, a += 2) {
    let sum = src[r0 + a] + src[r0 + a + 1];
    if (nRows > 1) sum += src[r1 + a] + src[r1 + a + 1];
    if (nRows > 2) sum += src[r2 + a] + src[r2 + a + 1] + src[r3 + a] + src[r3 + a + 1];
    const q = sum >> shift;
    const rem = sum & mask;
    out[o++] = rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
  }
  return o;
}

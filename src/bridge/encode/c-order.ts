/**
 * Turn a decoded chunk with arbitrary strides (zarrita gives F order for
 * `order: "F"` and `transpose`) into C-order little-endian bytes.
 */

export function isCContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Copy `src` (element stride `stride`, in elements) into a C-order byte buffer. */
export function toCOrder(
  src: Uint8Array,
  shape: readonly number[],
  stride: readonly number[],
  bpe: number,
): Uint8Array {
  if (isCContiguous(shape, stride)) return src;
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(n * bpe);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    let s = 0;
    for (let d = 0; d < rank; d++) s += idx[d] * stride[d];
    out.set(src.subarray(s * bpe, s * bpe + bpe), o * bpe);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Swap the byte order of every element in place (bpe 2, 4 or 8). */
export function byteSwapInPlace(bytes: Uint8Array, bpe: number): Uint8Array {
  if (bpe === 1) return bytes;
  for (let i = 0; i + bpe <= bytes.length; i += bpe) {
    for (let a = i, b = i + bpe - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
  return bytes;
}

/** A big-endian copy of little-endian element bytes. */
export function toBigEndian(bytes: Uint8Array, bpe: number): Uint8Array {
  if (bpe === 1) return bytes;
  const out = Buffer.from(bytes);
  if (bpe === 2) out.swap16();
  else if (bpe === 4) out.swap32();
  else if (bpe === 8) out.swap64();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Copy the `region` (per-axis extent, from the origin) of a C-order chunk of
 * `shape` into a new C-order buffer of `outShape`, padding with zero bytes.
 * Used both to clip N5 edge blocks and to pad partial source chunks.
 */
export function copyRegion(
  src: Uint8Array,
  shape: readonly number[],
  outShape: readonly number[],
  bpe: number,
): Uint8Array {
  const rank = shape.length;
  if (shape.every((s, i) => s === outShape[i])) return src;
  const out = new Uint8Array(outShape.reduce((a, b) => a * b, 1) * bpe);
  if (rank === 0) {
    out.set(src.subarray(0, bpe));
    return out;
  }
  const common = shape.map((s, i) => Math.min(s, outShape[i]));
  if (common.some((c) => c === 0)) return out;
  const srcStride = new Array<number>(rank);
  const outStride = new Array<number>(rank);
  srcStride[rank - 1] = bpe;
  outStride[rank - 1] = bpe;
  for (let d = rank - 2; d >= 0; d--) {
    srcStride[d] = srcStride[d + 1] * shape[d + 1];
    outStride[d] = outStride[d + 1] * outShape[d + 1];
  }
  const rowBytes = common[rank - 1] * bpe;
  const idx = new Array<number>(rank - 1).fill(0);
  const rows = common.slice(0, rank - 1).reduce((a, b) => a * b, 1);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    let o = 0;
    for (let d = 0; d < rank - 1; d++) {
      s += idx[d] * srcStride[d];
      o += idx[d] * outStride[d];
    }
    out.set(src.subarray(s, s + rowBytes), o);
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < common[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

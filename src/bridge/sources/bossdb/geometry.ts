/**
 * Boxes in array order ((t,)z,y,x) and the one copy routine that moves a box
 * of voxels between two C-order buffers: how served chunks are cut out of
 * upstream blocks.
 */

/** Half-open box: `origin[i] ≤ index[i] < origin[i] + shape[i]`. */
export interface Box {
  readonly origin: readonly number[];
  readonly shape: readonly number[];
}

/** A C-order buffer of voxels covering `box`. */
export interface BoxData {
  readonly box: Box;
  readonly bytes: Uint8Array;
}

export const boxVoxels = (b: Box): number => b.shape.reduce((a, n) => a * n, 1);

export const sameBox = (a: Box, b: Box): boolean =>
  a.origin.length === b.origin.length &&
  a.origin.every((o, i) => o === b.origin[i]) &&
  a.shape.every((n, i) => n === b.shape[i]);

export function intersect(a: Box, b: Box): Box | undefined {
  const origin: number[] = [];
  const shape: number[] = [];
  for (let i = 0; i < a.origin.length; i++) {
    const lo = Math.max(a.origin[i]!, b.origin[i]!);
    const hi = Math.min(a.origin[i]! + a.shape[i]!, b.origin[i]! + b.shape[i]!);
    if (hi <= lo) return undefined;
    origin.push(lo);
    shape.push(hi - lo);
  }
  return { origin, shape };
}

/** Indices of the grid cells of size `cell` that `box` touches, per axis: [first, last]. */
export function cellRange(box: Box, cell: readonly number[]): [number, number][] {
  return box.origin.map((o, i) => [Math.floor(o / cell[i]!), Math.floor((o + box.shape[i]! - 1) / cell[i]!)]);
}

/** Every index tuple in the per-axis inclusive ranges, C order. */
export function* cells(ranges: readonly [number, number][]): Generator<number[]> {
  const idx = ranges.map(([lo]) => lo);
  if (ranges.some(([lo, hi]) => hi < lo)) return;
  for (;;) {
    yield [...idx];
    let axis = ranges.length - 1;
    while (axis >= 0 && idx[axis] === ranges[axis]![1]) {
      idx[axis] = ranges[axis]![0];
      axis--;
    }
    if (axis < 0) return;
    idx[axis]!++;
  }
}

const strides = (shape: readonly number[]): number[] => {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
};

/**
 * Copy `region` (inside both boxes) from `src` to `dst`, `elementBytes` per
 * voxel: one `set` per run along the last axis, offsets stepped in place (a
 * 256×256×16 chunk is 4096 runs, cut from a 4 MiB cuboid on the event loop).
 */
export function copyRegion(src: BoxData, dst: BoxData, region: Box, elementBytes: number): void {
  const rank = region.shape.length;
  const sStr = strides(src.box.shape);
  const dStr = strides(dst.box.shape);
  if (region.shape.some((n) => n <= 0)) return;
  // Trailing axes the region covers whole in both boxes are contiguous in both: one run spans them (a chunk
  // that is a whole cuboid is one copy).
  const whole = (i: number) =>
    region.origin[i] === src.box.origin[i] &&
    region.origin[i] === dst.box.origin[i] &&
    region.shape[i] === src.box.shape[i] &&
    region.shape[i] === dst.box.shape[i];
  let last = rank - 1;
  while (last > 0 && whole(last)) last--;
  const run = region.shape[last]! * sStr[last]! * elementBytes;
  let s = 0;
  let d = 0;
  for (let i = 0; i < rank; i++) {
    s += (region.origin[i]! - src.box.origin[i]!) * sStr[i]!;
    d += (region.origin[i]! - dst.box.origin[i]!) * dStr[i]!;
  }
  const from = src.bytes;
  const to = dst.bytes;
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    to.set(from.subarray(s * elementBytes, s * elementBytes + run), d * elementBytes);
    // Next run: step the innermost leading axis, carrying into outer ones.
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      idx[axis]!++;
      s += sStr[axis]!;
      d += dStr[axis]!;
      if (idx[axis]! < region.shape[axis]!) break;
      s -= sStr[axis]! * region.shape[axis]!;
      d -= dStr[axis]! * region.shape[axis]!;
      idx[axis] = 0;
    }
    if (axis < 0) return;
  }
}

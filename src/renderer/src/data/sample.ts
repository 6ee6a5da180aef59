/**
 * A bounded sample of one plane for contrast and histograms: chunks nearest the plane's centre, coarsest level
 * first, at most MAX_CHUNKS chunk reads in all. Chunks that hold only the fill value are skipped (an empty
 * coarse level, e.g. BossDB levels lying below a non-zero coordinate frame, must not make the window 0–1), and
 * the search moves to finer levels while the budget lasts. Never reads a whole level.
 */
import type { NumericArray } from './chunkCache';
import type { Selection, ZarrPixelSource } from './pixelSource';

export const MAX_CHUNKS = 12;
/** Enough voxels for stable percentiles (one 256² chunk); more chunks only cost time. */
const ENOUGH_VALUES = 256 * 256;

export interface Sample {
  values: Float64Array;
  /** Chunks read to find them. */
  chunksRead: number;
}

/** Chunk (y, x) coordinates of a level's plane, nearest the centre first. */
function centreOrder(rows: number, cols: number): [number, number][] {
  const cy = (rows - 1) / 2;
  const cx = (cols - 1) / 2;
  const out: [number, number][] = [];
  // Grids can be huge (a 40000² level of 256² chunks): consider only a window around the centre.
  const r = 3;
  for (let y = Math.max(0, Math.floor(cy) - r); y <= Math.min(rows - 1, Math.ceil(cy) + r); y++)
    for (let x = Math.max(0, Math.floor(cx) - r); x <= Math.min(cols - 1, Math.ceil(cx) + r); x++) out.push([y, x]);
  return out.sort((a, b) => Math.hypot(a[0] - cy, a[1] - cx) - Math.hypot(b[0] - cy, b[1] - cx));
}

export async function samplePlane(
  sources: readonly ZarrPixelSource[],
  selection: Selection,
  signal?: AbortSignal,
): Promise<Sample> {
  const parts: NumericArray[] = [];
  let count = 0;
  let chunksRead = 0;
  for (let k = sources.length - 1; k >= 0 && chunksRead < MAX_CHUNKS && count < ENOUGH_VALUES; k--) {
    const source = sources[k];
    const { level } = source;
    const [h, w] = level.shape.slice(-2);
    const [ch, cw] = level.chunks.slice(-2);
    const plane = source.plane(selection);
    const fill = Number(level.fillValue);
    for (const [ky, kx] of centreOrder(Math.ceil(h / ch), Math.ceil(w / cw))) {
      if (chunksRead >= MAX_CHUNKS || count >= ENOUGH_VALUES) break;
      const y0 = ky * ch;
      const x0 = kx * cw;
      const region = await level.region(plane, y0, Math.min(h, y0 + ch), x0, Math.min(w, x0 + cw), signal);
      chunksRead += 1;
      if (!hasData(region.data, fill)) continue;
      parts.push(region.data);
      count += region.data.length;
    }
  }
  const values = new Float64Array(count);
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) values[at + i] = Number(p[i]);
    at += p.length;
  }
  return { values, chunksRead };
}

/** Whether any value differs from the fill value (an all-fill region says nothing about contrast). */
export function hasData(data: ArrayLike<number | bigint>, fill: number): boolean {
  for (let i = 0; i < data.length; i++) if (Number(data[i]) !== fill) return true;
  return false;
}

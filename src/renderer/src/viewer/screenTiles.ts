/**
 * The tiles each layer last showed, kept for on-screen statistics (auto-contrast "from what you see") without
 * reading anything again. Keyed by the app's layer id.
 */
import type { LoadedTile } from './imageLayers';

export interface ScreenTiles {
  tiles: LoadedTile[];
  /** Channel index of each array in a tile's `data`. */
  channels: number[];
}

export const screenTiles = new Map<string, ScreenTiles>();

/** Layers whose view is over the tile budget (the zoom notice): no tile loads until the user zooms in. */
export const overBudgetLayers = new Set<string>();

/**
 * Every on-screen value of `channel` of layer `layerId`, or undefined when none is loaded. The values keep
 * their tiles' array type when all share one, so 8- and 16-bit data take percentileLimits' counting path
 * (a screen of 256² tiles is about a million values: sorting them as doubles costs a tenth of a second).
 */
export function screenValues(layerId: string, channel: number): ArrayLike<number> | undefined {
  const entry = screenTiles.get(layerId);
  const slot = entry?.channels.indexOf(channel) ?? -1;
  if (!entry || slot < 0) return undefined;
  const arrays: ArrayLike<number>[] = [];
  for (const t of entry.tiles) {
    const data = t.content?.data;
    if (Array.isArray(data) && data[slot]) arrays.push(data[slot]);
  }
  const n = arrays.reduce((s, a) => s + a.length, 0);
  if (n === 0) return undefined;
  const kind = arrays[0].constructor;
  const same = arrays.every((a) => a.constructor === kind) && ArrayBuffer.isView(arrays[0]);
  const out = same ? (new (kind as new (n: number) => Float64Array)(n) as Float64Array) : new Float64Array(n);
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

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

/** Every on-screen value of `channel` of layer `layerId`, or undefined when none is loaded. */
export function screenValues(layerId: string, channel: number): Float64Array | undefined {
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
  const out = new Float64Array(n);
  let at = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) out[at + i] = a[i];
    at += a.length;
  }
  return out;
}

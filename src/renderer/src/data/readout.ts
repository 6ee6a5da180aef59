/**
 * What lies under the cursor: the voxel's indices and physical position, each drawn channel's value and label
 * ids, read only from chunks already decoded (never a fetch per mouse move). The level on screen is tried
 * first, then finer, then coarser ones.
 */
import type { ChannelState, ImageModel } from './imageModel';
import { isIntegerDtype, type ZarrPixelSource } from './pixelSource';
import { idText, idWords } from './segmentColors';

export interface ValueReadout {
  label: string;
  /** The value as text (exact for 64-bit ids), or undefined when no loaded chunk holds it yet. */
  text?: string;
  /** The pyramid level it was read at (0 = full resolution). */
  level?: number;
}

/** Level to try first at a deck.gl zoom: the tile layer picks round(zoom) (budgetTileset.ts), level = -that. */
export function levelAtZoom(zoom: number, levels: number): number {
  return Math.max(0, Math.min(levels - 1, -Math.round(zoom)));
}

function levelOrder(first: number, count: number): number[] {
  const out = [first];
  for (let k = first - 1; k >= 0; k--) out.push(k);
  for (let k = first + 1; k < count; k++) out.push(k);
  return out;
}

/** The value at level-0 pixel (x, y) of plane `selection`, from the first level that has it cached. */
export function peekAt(
  sources: readonly ZarrPixelSource[],
  selection: Record<string, number>,
  x: number,
  y: number,
  firstLevel: number,
): { value: number | bigint; level: number } | undefined {
  const [h0, w0] = sources[0].shape.slice(-2);
  if (x < 0 || y < 0 || x >= w0 || y >= h0) return undefined;
  for (const k of levelOrder(firstLevel, sources.length)) {
    const s = sources[k];
    const [h, w] = s.shape.slice(-2);
    const yk = Math.min(h - 1, Math.floor((y * h) / h0));
    const xk = Math.min(w - 1, Math.floor((x * w) / w0));
    const value = s.level.peekValue([...s.plane(selection), yk, xk]);
    if (value !== undefined) return { value, level: k };
  }
  return undefined;
}

function valueText(v: number | bigint, integer: boolean): string {
  if (typeof v === 'bigint') return v.toString();
  if (integer || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(5)));
}

/** Values of an image layer's drawn channels (or its label id) at level-0 pixel (x, y). */
export function readValues(
  image: ImageModel,
  channels: readonly ChannelState[],
  drawn: readonly number[],
  selection: Record<string, number>,
  x: number,
  y: number,
  firstLevel: number,
): ValueReadout[] {
  if (image.labelSources) {
    const hit = peekAt(image.sources, selection, x, y, firstLevel);
    return [{ label: `${image.node.name} id`, text: hit ? idString(hit.value) : undefined, level: hit?.level }];
  }
  const integer = isIntegerDtype(image.sources[0].dtype);
  return drawn.map((c) => {
    const sel = image.channelAxis ? { ...selection, [image.channelAxis]: c } : selection;
    const hit = peekAt(image.sources, sel, x, y, firstLevel);
    return { label: channels[c].label, text: hit ? valueText(hit.value, integer) : undefined, level: hit?.level };
  });
}

export function idString(v: number | bigint): string {
  const [lo, hi] = idWords(v);
  return idText(lo, hi);
}

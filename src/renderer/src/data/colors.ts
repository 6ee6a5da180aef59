/** Channel colour defaults and hex conversions. */
import type { Rgb } from './imageModel';

const WHITE: Rgb = [255, 255, 255];
const MAGENTA: Rgb = [255, 0, 255];
const GREEN: Rgb = [0, 255, 0];
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];
const CYAN: Rgb = [0, 255, 255];
const YELLOW: Rgb = [255, 255, 0];
const ORANGE: Rgb = [255, 128, 0];
const PURPLE: Rgb = [128, 0, 255];

export const PALETTE: Rgb[] = [CYAN, YELLOW, MAGENTA, RED, GREEN, BLUE, WHITE, ORANGE, PURPLE];

/** vizarr's conventions for 1–3 channels; beyond that cycle a palette so >6 channels still differ. */
export function defaultColor(index: number, count: number): Rgb {
  if (count === 1) return WHITE;
  if (count === 2) return [MAGENTA, GREEN][index];
  if (count === 3) return [RED, GREEN, BLUE][index];
  return PALETTE[index % PALETTE.length];
}

export function hexToRgb(hex: string): Rgb | undefined {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return undefined;
  const n = Number.parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function rgbToHex([r, g, b]: Rgb): string {
  return [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

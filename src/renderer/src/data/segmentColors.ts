/**
 * Segment colours as Neuroglancer draws them (seed 0, its default): murmur3's hash combine over the id's low
 * then high 32 bits, hue and saturation from the hash's two low bytes, full value. The same id gets the same
 * colour here and in Neuroglancer, so a segment can be recognised across the two viewers.
 */

export type Rgba = [number, number, number, number];

function hashCombine(state: number, value: number): number {
  let v = Math.imul(value >>> 0, 0xcc9e2d51) >>> 0;
  v = ((v << 15) | (v >>> 17)) >>> 0;
  v = Math.imul(v, 0x1b873593) >>> 0;
  let s = ((state >>> 0) ^ v) >>> 0;
  s = ((s << 13) | (s >>> 19)) >>> 0;
  return (s * 5 + 0xe6546b64) >>> 0;
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const h6 = h * 6;
  const i = Math.floor(h6);
  const f = h6 - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  switch (i % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

/** The colour of segment `hi·2³² + lo` (both unsigned 32-bit), as 0–255 RGBA. */
export function segmentColor(lo: number, hi: number, seed = 0): Rgba {
  const h = hashCombine(hashCombine(seed, lo), hi);
  const [r, g, b] = hsvToRgb((h & 0xff) / 255, 0.5 + (0.5 * ((h >>> 8) & 0xff)) / 255, 1);
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255), 255];
}

/** An id of any integer type as its unsigned 64-bit halves (negative ids as two's complement, as Neuroglancer reads them). */
export function idWords(value: number | bigint): [number, number] {
  if (typeof value === 'bigint') {
    const u = BigInt.asUintN(64, value);
    return [Number(u & 0xffffffffn), Number(u >> 32n)];
  }
  if (value < 0) return [value >>> 0, 0xffffffff];
  return [value >>> 0, Math.floor(value / 2 ** 32) >>> 0];
}

/** The decimal text of an id given as words (exact for all 64 bits). */
export function idText(lo: number, hi: number): string {
  return hi === 0 ? String(lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

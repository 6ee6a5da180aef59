/** Contrast: percentile windows, slider ranges, rounding and histograms, from bounded samples or the tiles on screen. */

type Numeric = ArrayLike<number>;

/** [low, high] at the given percentiles (0–100) of the finite values; a constant image gets a 1-wide window. */
export function percentileLimits(data: Numeric, lowPct = 0.5, highPct = 99.5): [number, number] {
  const rank = (p: number, n: number) => Math.min(n - 1, Math.max(0, Math.round((p / 100) * (n - 1))));
  const window = (lo: number, hi: number): [number, number] => (hi > lo ? [lo, hi] : [lo, lo + 1]);
  // Small integer types: a counting histogram gives the same ranks in one pass (no copy, no sort).
  const offset =
    data instanceof Uint8Array || data instanceof Uint16Array
      ? 0
      : data instanceof Int8Array
        ? 128
        : data instanceof Int16Array
          ? 32768
          : undefined;
  if (offset !== undefined && data.length > 0) {
    const counts = new Uint32Array(data instanceof Uint8Array || data instanceof Int8Array ? 256 : 65536);
    for (let i = 0; i < data.length; i++) counts[data[i] + offset]++;
    const valueAt = (r: number) => {
      let seen = 0;
      for (let v = 0; v < counts.length; v++) {
        seen += counts[v];
        if (seen > r) return v - offset;
      }
      return counts.length - 1 - offset;
    };
    return window(valueAt(rank(lowPct, data.length)), valueAt(rank(highPct, data.length)));
  }
  const values = Float64Array.from(data as ArrayLike<number>).filter((v) => Number.isFinite(v));
  if (values.length === 0) return [0, 1];
  values.sort();
  return window(values[rank(lowPct, values.length)], values[rank(highPct, values.length)]);
}

/** Slider bounds: the dtype's range for small integers, else the data's range. */
export function sliderRange(dtype: string, data: Numeric): [number, number] {
  if (dtype === 'Uint8') return [0, 255];
  if (dtype === 'Uint16') return [0, 65535];
  if (dtype === 'Int8') return [-128, 127];
  if (dtype === 'Int16') return [-32768, 32767];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) && max > min ? [min, max] : [0, 1];
}

/** A window rounded to three significant digits of its width (0.0123–0.988, not 0.01234567–0.98765432). */
export function roundWindow([lo, hi]: [number, number], integer: boolean): [number, number] {
  if (integer) return [Math.floor(lo), Math.max(Math.floor(lo) + 1, Math.ceil(hi))];
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return [lo, hi];
  const step = 10 ** (Math.floor(Math.log10(span)) - 2);
  const r = (v: number, f: (x: number) => number) => Number((f(v / step) * step).toPrecision(12));
  return [r(lo, Math.floor), r(hi, Math.ceil)];
}

/** Text for a window bound: integers as they are, other numbers to four significant digits. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

export interface Histogram {
  /** Value range the bins span. */
  lo: number;
  hi: number;
  counts: number[];
}

/** Counts of `values` in `bins` equal bins over [lo, hi] (values outside are clamped into the end bins). */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins = 64): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const b = span > 0 ? Math.floor(((v - lo) / span) * bins) : 0;
    counts[Math.max(0, Math.min(bins - 1, b))] += 1;
  }
  return { lo, hi, counts };
}

/** Percentile auto-contrast, computed on the lowest pyramid level so it stays cheap for big images. */

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

/** Percentile auto-contrast, computed on the lowest pyramid level so it stays cheap for big images. */

type Numeric = ArrayLike<number>;

/** [low, high] at the given percentiles (0–100) of the finite values; a constant image gets a 1-wide window. */
export function percentileLimits(data: Numeric, lowPct = 0.5, highPct = 99.5): [number, number] {
  const values = Float64Array.from(data as ArrayLike<number>).filter((v) => Number.isFinite(v));
  if (values.length === 0) return [0, 1];
  values.sort();
  const at = (p: number) =>
    values[Math.min(values.length - 1, Math.max(0, Math.round((p / 100) * (values.length - 1))))];
  const lo = at(lowPct);
  const hi = at(highPct);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
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

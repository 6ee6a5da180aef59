/**
 * A plate's own contrast: one window per channel for every well, from a bounded sample of wells spread
 * over the plate, so wells compare by brightness (each image's own window would make them all look alike,
 * and a dtype-wide window makes them all black).
 */
import { percentileLimits } from '../data/contrast';
import type { ChannelState } from '../data/imageModel';
import type { WellPixels } from './wellPixels';

/** Wells read for the window: enough to span a plate's rows and columns, few enough to stay cheap. */
export const SAMPLE_WELLS = 8;
/** Values taken from each sampled well and channel (evenly strided). */
const VALUES_PER_WELL = 16384;

/** Up to `n` wells evenly spaced over the plate's list (first and last included). */
export function sampleWells(wells: string[], n = SAMPLE_WELLS): string[] {
  if (wells.length <= n) return [...wells];
  return Array.from({ length: n }, (_, i) => wells[Math.round((i * (wells.length - 1)) / (n - 1))]);
}

/**
 * Channels of the first sampled image, each with the [0.5, 99.5] percentile window of the sampled wells'
 * values together; undefined when no well could be read.
 */
export function plateWindow(samples: WellPixels[]): ChannelState[] | undefined {
  const first = samples[0];
  if (!first) return undefined;
  return first.image.defaultChannels.map((ch, c) => {
    const values: number[] = [];
    for (const s of samples) {
      const data = s.rasters[c];
      if (!data) continue;
      const step = Math.max(1, Math.floor(data.length / VALUES_PER_WELL));
      for (let i = 0; i < data.length; i += step) values.push(Number(data[i]));
    }
    if (values.length === 0) return ch;
    const limits = percentileLimits(Float64Array.from(values));
    return { ...ch, limits, range: [Math.min(ch.range[0], limits[0]), Math.max(ch.range[1], limits[1])] };
  });
}

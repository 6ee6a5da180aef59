/**
 * OME-NGFF axis units as Neuroglancer's dimensions spell them: a scale of an
 * SI base unit. Neuroglancer converts OME units the same way
 * (`datasource/zarr/ome.ts`); unknown units keep their number with no unit.
 */
import type { DimensionScale } from './state';

const SI_PREFIXES: Record<string, number> = {
  yocto: 1e-24,
  zepto: 1e-21,
  atto: 1e-18,
  femto: 1e-15,
  pico: 1e-12,
  nano: 1e-9,
  micro: 1e-6,
  milli: 1e-3,
  centi: 1e-2,
  deci: 1e-1,
  '': 1,
  deca: 1e1,
  hecto: 1e2,
  kilo: 1e3,
  mega: 1e6,
  giga: 1e9,
  tera: 1e12,
  peta: 1e15,
  exa: 1e18,
  zetta: 1e21,
  yotta: 1e24,
};

const OTHER_UNITS: Record<string, DimensionScale> = {
  angstrom: [1e-10, 'm'],
  micron: [1e-6, 'm'],
  foot: [0.3048, 'm'],
  inch: [0.0254, 'm'],
  yard: [0.9144, 'm'],
  mile: [1609.34, 'm'],
  parsec: [30856775814913670, 'm'],
  minute: [60, 's'],
  hour: [3600, 's'],
  day: [86400, 's'],
};

/** What one unit of an OME axis is in SI: `micrometer` → `[1e-6, 'm']`; no or unknown unit → `[1, '']`. */
export function siUnit(omeUnit: string | undefined): DimensionScale {
  if (!omeUnit) return [1, ''];
  const other = OTHER_UNITS[omeUnit];
  if (other) return [...other];
  const m = /^(.*?)(meter|second)$/.exec(omeUnit);
  if (m && m[1] in SI_PREFIXES) return [SI_PREFIXES[m[1]], m[2] === 'meter' ? 'm' : 's'];
  return [1, ''];
}

/**
 * `count` of `omeUnit` as a Neuroglancer dimension scale, rounded to 12
 * significant digits so 0.25 µm reads `2.5e-7`, not `2.4999999999999999e-7`.
 */
export function dimensionScale(count: number, omeUnit: string | undefined): DimensionScale {
  const [factor, unit] = siUnit(omeUnit);
  return [Number((count * factor).toPrecision(12)), unit];
}

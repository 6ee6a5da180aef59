/**
 * OME-XML unit symbols (UnitsLength, UnitsTime) and ImageJ unit names to the
 * UDUNITS names OME-NGFF expects. Units NGFF has no name for (pixel,
 * reference frame, light-year…) are dropped rather than guessed.
 */

const LENGTH: Record<string, string> = {
  Ym: 'yottameter',
  Zm: 'zettameter',
  Em: 'exameter',
  Pm: 'petameter',
  Tm: 'terameter',
  Gm: 'gigameter',
  Mm: 'megameter',
  km: 'kilometer',
  hm: 'hectometer',
  m: 'meter',
  dm: 'decimeter',
  cm: 'centimeter',
  mm: 'millimeter',
  // The micro sign (U+00B5), the Greek mu (U+03BC) and the ASCII spellings all occur.
  µm: 'micrometer',
  μm: 'micrometer',
  um: 'micrometer',
  micron: 'micrometer',
  microns: 'micrometer',
  nm: 'nanometer',
  pm: 'picometer',
  fm: 'femtometer',
  am: 'attometer',
  zm: 'zeptometer',
  ym: 'yoctometer',
  '\u00c5': 'angstrom',
  '\u212b': 'angstrom',
  A: 'angstrom',
  in: 'inch',
  inch: 'inch',
  ft: 'foot',
  yd: 'yard',
  mi: 'mile',
  pc: 'parsec',
};

const TIME: Record<string, string> = {
  s: 'second',
  sec: 'second',
  ds: 'decisecond',
  cs: 'centisecond',
  ms: 'millisecond',
  µs: 'microsecond',
  μs: 'microsecond',
  us: 'microsecond',
  ns: 'nanosecond',
  ps: 'picosecond',
  fs: 'femtosecond',
  as: 'attosecond',
  min: 'minute',
  h: 'hour',
  hr: 'hour',
  d: 'day',
};

const LENGTH_NAMES = new Set(Object.values(LENGTH));
const TIME_NAMES = new Set(Object.values(TIME));

/** The NGFF name of a length unit, or undefined. */
export function ngffLengthUnit(unit: string | undefined): string | undefined {
  if (!unit) return undefined;
  const u = unit.trim();
  return LENGTH[u] ?? (LENGTH_NAMES.has(u.toLowerCase()) ? u.toLowerCase() : undefined);
}

/** The NGFF name of a time unit, or undefined. */
export function ngffTimeUnit(unit: string | undefined): string | undefined {
  if (!unit) return undefined;
  const u = unit.trim();
  return TIME[u] ?? (TIME_NAMES.has(u.toLowerCase()) ? u.toLowerCase() : undefined);
}

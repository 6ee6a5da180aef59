/**
 * A scale bar in physical units, drawn as HTML over the canvas: a round length (1, 2, 5 × 10^n) in the unit
 * that keeps its number between 1 and 999 (50 nm, not 0.05 µm; 2 mm, not 2000 µm).
 */
import { toMeters } from '../data/physical';

const UNIT_ABBREV: Record<string, string> = {
  angstrom: 'Å',
  nanometer: 'nm',
  micrometer: 'µm',
  micron: 'µm',
  millimeter: 'mm',
  centimeter: 'cm',
  meter: 'm',
};

/** Metric units a length is shown in, smallest first. */
const METRIC: [string, number][] = [
  ['pm', 1e-12],
  ['nm', 1e-9],
  ['µm', 1e-6],
  ['mm', 1e-3],
  ['m', 1],
  ['km', 1e3],
];

export function niceLength(target: number): number {
  const pow = 10 ** Math.floor(Math.log10(target));
  const m = target / pow;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * pow;
}

/** A length given in `unit` as text in the fitting metric unit, or as given for units that are not lengths. */
export function lengthText(value: number, unit: string): string {
  const meters = toMeters(unit);
  if (meters === undefined) return `${Number(value.toPrecision(3))} ${UNIT_ABBREV[unit] ?? unit}`;
  const m = value * meters;
  let [name, size] = METRIC[0];
  for (const [n, s] of METRIC) if (Math.abs(m) >= s * 0.9999) [name, size] = [n, s];
  return `${Number((m / size).toPrecision(3))} ${name}`;
}

export function ScaleBar(props: { zoom: number; pixelSize: { size: number; unit: string } }): React.JSX.Element {
  const { zoom, pixelSize } = props;
  const screenPerPixel = 2 ** zoom;
  const physical = niceLength((120 / screenPerPixel) * pixelSize.size);
  const width = (physical / pixelSize.size) * screenPerPixel;
  return (
    <div className="scale-bar" data-testid="scale-bar">
      <div className="scale-bar-line" style={{ width }} />
      <span>{lengthText(physical, pixelSize.unit)}</span>
    </div>
  );
}

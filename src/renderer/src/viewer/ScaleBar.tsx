/** A scale bar in physical units, drawn as HTML over the canvas (round lengths: 1, 2, 5 × 10^n). */

const UNIT_ABBREV: Record<string, string> = {
  nanometer: 'nm',
  micrometer: 'µm',
  micron: 'µm',
  millimeter: 'mm',
  centimeter: 'cm',
  meter: 'm',
  angstrom: 'Å',
};

export function niceLength(target: number): number {
  const pow = 10 ** Math.floor(Math.log10(target));
  const m = target / pow;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * pow;
}

export function ScaleBar(props: { zoom: number; pixelSize: { size: number; unit: string } }): React.JSX.Element {
  const { zoom, pixelSize } = props;
  const screenPerPixel = 2 ** zoom;
  const physical = niceLength((120 / screenPerPixel) * pixelSize.size);
  const width = (physical / pixelSize.size) * screenPerPixel;
  const unit = UNIT_ABBREV[pixelSize.unit] ?? pixelSize.unit;
  return (
    <div className="scale-bar" data-testid="scale-bar">
      <div className="scale-bar-line" style={{ width }} />
      <span>
        {Number(physical.toPrecision(3))} {unit}
      </span>
    </div>
  );
}

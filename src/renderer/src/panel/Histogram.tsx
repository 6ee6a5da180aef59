/** A channel's histogram (of a sample, or of what is on screen) with its window marked. */
import type { Histogram as HistogramData } from '../data/contrast';

export function Histogram(props: { histogram: HistogramData; limits: [number, number]; color: string; label: string }) {
  const { histogram, limits, color, label } = props;
  const { lo, hi, counts } = histogram;
  // Log counts: a background peak would otherwise flatten everything else.
  const heights = counts.map((n) => Math.log1p(n));
  const top = Math.max(1e-9, ...heights);
  const w = 100;
  const h = 24;
  const bar = w / counts.length;
  const at = (v: number) => (hi > lo ? ((v - lo) / (hi - lo)) * w : 0);
  return (
    <svg
      className="histogram"
      viewBox={`0 0 ${w} ${h}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Histogram of ${label}`}
      data-testid="histogram"
    >
      {heights.map((v, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional.
        <rect key={i} x={i * bar} y={h - (v / top) * h} width={bar} height={(v / top) * h} fill={color} opacity={0.7} />
      ))}
      <rect
        x={at(limits[0])}
        y={0}
        width={Math.max(0.5, at(limits[1]) - at(limits[0]))}
        height={h}
        fill="#fff"
        opacity={0.12}
      />
    </svg>
  );
}

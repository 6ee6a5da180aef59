/** One slider per non-spatial, non-channel axis of size > 1 (t, z, and any others); arrow keys step by one. */
import type { AxisInfo } from '../data/imageModel';

export function AxisSliders(props: {
  axes: AxisInfo[];
  channelAxis?: string;
  selection: Record<string, number>;
  onChange: (name: string, index: number) => void;
}): React.JSX.Element | null {
  const axes = props.axes.slice(0, -2).filter((a) => a.name !== props.channelAxis && a.size > 1);
  if (axes.length === 0) return null;
  return (
    <fieldset className="axis-sliders">
      <legend>Position</legend>
      {axes.map((a) => {
        const value = props.selection[a.name] ?? 0;
        return (
          <label key={a.name} className="axis-slider">
            <span className="axis-name">{a.name.length === 1 ? a.name.toUpperCase() : a.name}</span>
            <input
              type="range"
              min={0}
              max={a.size - 1}
              step={1}
              value={value}
              aria-label={`${a.name} index`}
              data-testid={`axis-${a.name}`}
              onChange={(e) => props.onChange(a.name, Number(e.target.value))}
            />
            <output>
              {value} / {a.size - 1}
            </output>
          </label>
        );
      })}
    </fieldset>
  );
}

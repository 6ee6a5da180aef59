/**
 * One slider per non-spatial, non-channel axis of size > 1 (t, z, and any others), with the physical position
 * where the axis has a scale. Arrow keys step a focused slider; `,`/`.` (z) and `[`/`]` (t) step from anywhere.
 */
import type { AxisInfo } from '../data/imageModel';
import { lengthText } from '../viewer/ScaleBar';

/** The axes a user steps through (what the sliders show). */
export function steppableAxes(axes: AxisInfo[], channelAxis?: string): AxisInfo[] {
  return axes.slice(0, -2).filter((a) => a.name !== channelAxis && a.size > 1);
}

function physical(a: AxisInfo, index: number): string | undefined {
  if (a.scale === undefined) return undefined;
  const v = index * a.scale + (a.translation ?? 0);
  if (a.type === 'time' || a.name === 't') return `${Number(v.toPrecision(4))}${a.unit ? ` ${a.unit}` : ''}`;
  return a.unit ? lengthText(v, a.unit) : String(Number(v.toPrecision(4)));
}

export function AxisSliders(props: {
  axes: AxisInfo[];
  channelAxis?: string;
  selection: Record<string, number>;
  onChange: (name: string, index: number) => void;
}): React.JSX.Element | null {
  const axes = steppableAxes(props.axes, props.channelAxis);
  if (axes.length === 0) return null;
  return (
    <fieldset className="axis-sliders">
      <legend>Position</legend>
      {axes.map((a) => {
        const value = props.selection[a.name] ?? 0;
        const where = physical(a, value);
        const keys = a.name === 'z' ? ' (keys , and .)' : a.name === 't' ? ' (keys [ and ])' : '';
        return (
          <label key={a.name} className="axis-slider" title={`Step ${a.name}${keys}`}>
            <span className="axis-name">{a.name.length === 1 ? a.name.toUpperCase() : a.name}</span>
            <input
              type="range"
              min={0}
              max={a.size - 1}
              step={1}
              value={value}
              aria-label={`${a.name} index`}
              aria-valuetext={`${value} of ${a.size - 1}${where ? `, ${where}` : ''}`}
              data-testid={`axis-${a.name}`}
              onChange={(e) => props.onChange(a.name, Number(e.target.value))}
            />
            <output data-testid={`axis-${a.name}-value`}>
              {value} / {a.size - 1}
              {where && <small> {where}</small>}
            </output>
          </label>
        );
      })}
    </fieldset>
  );
}

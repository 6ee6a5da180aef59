/** The readout under the cursor: voxel indices, physical position, each drawn channel's value and label ids. */
import type { ValueReadout } from '../data/readout';
import { lengthText } from './ScaleBar';

export interface AxisPosition {
  name: string;
  index: number;
  /** Physical position, when the axis has a scale. */
  physical?: { value: number; unit?: string };
}

export interface HoverInfo {
  position: AxisPosition[];
  layers: { name: string; values: ValueReadout[] }[];
}

function physicalText(p: NonNullable<AxisPosition['physical']>): string {
  return p.unit ? lengthText(p.value, p.unit) : String(Number(p.value.toPrecision(5)));
}

export function HoverReadout({ info }: { info: HoverInfo }): React.JSX.Element {
  return (
    <output className="hover-readout" data-testid="hover-readout" aria-live="off">
      <div className="readout-position" data-testid="readout-position">
        {info.position.map((a) => (
          <span key={a.name} data-axis={a.name} data-index={a.index}>
            {a.name} {a.index}
            {a.physical && <small> ({physicalText(a.physical)})</small>}
          </span>
        ))}
      </div>
      {info.layers.map((l) => (
        <div key={l.name} className="readout-layer">
          {info.layers.length > 1 && <div className="readout-layer-name">{l.name}</div>}
          {l.values.map((v) => (
            <div
              key={v.label}
              className="readout-value"
              data-testid="readout-value"
              data-label={v.label}
              data-value={v.text ?? ''}
            >
              <span className="readout-label">{v.label}</span> <b>{v.text ?? '…'}</b>
              {v.level !== undefined && v.level > 0 && <small> (level {v.level})</small>}
            </div>
          ))}
        </div>
      ))}
    </output>
  );
}

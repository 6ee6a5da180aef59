/** A plate as a grid of wells, each showing one field at the lowest resolution; field and acquisition are chosen above. */
import { useState } from 'react';
import type { CatalogNode } from '../../../shared/catalog';
import { WellThumb } from './WellThumb';

export function PlateGrid(props: {
  plate: CatalogNode;
  onOpen: (path: string) => void;
  onError: (msg: string) => void;
}): React.JSX.Element {
  const spec = props.plate.ome?.plate;
  const acquisitions = spec?.acquisitions ?? [];
  const [acquisition, setAcquisition] = useState<number | undefined>(acquisitions[0]?.id);
  const [field, setField] = useState(0);
  if (!spec) return <p className="muted">{props.plate.path} has no plate metadata.</p>;
  const acq = acquisitions.find((a) => a.id === acquisition);
  // The field count is per acquisition when known, else the plate's; one field when neither says.
  const fields = Math.max(1, acq?.maximumfieldcount ?? spec.field_count ?? 1);
  const byCell = new Map(spec.wells.map((w) => [`${w.rowIndex},${w.columnIndex}`, w.path]));
  return (
    <div className="plate" data-testid="plate">
      <h2>{props.plate.name}</h2>
      <div className="plate-controls">
        <label>
          Field{' '}
          <select data-testid="plate-field" value={field} onChange={(e) => setField(Number(e.target.value))}>
            {Array.from({ length: fields }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: fields are positions.
              <option key={i} value={i}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        {acquisitions.length > 0 && (
          <label>
            Acquisition{' '}
            <select
              data-testid="plate-acquisition"
              value={acquisition}
              onChange={(e) => {
                setAcquisition(Number(e.target.value));
                setField(0);
              }}
            >
              {acquisitions.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name ?? `acquisition ${a.id}`}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <table>
        <thead>
          <tr>
            <th />
            {spec.columns.map((c) => (
              <th key={c.name}>{c.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {spec.rows.map((r, ri) => (
            <tr key={r.name}>
              <th>{r.name}</th>
              {spec.columns.map((c, ci) => {
                const well = byCell.get(`${ri},${ci}`);
                return (
                  <td key={c.name}>
                    {well ? (
                      <WellThumb
                        wellPath={`${props.plate.path}/${well}`}
                        field={field}
                        acquisition={acquisition}
                        onOpen={props.onOpen}
                        onError={props.onError}
                      />
                    ) : (
                      <div className="well empty" />
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A plate as a grid of wells that fills the view, each showing one field at the lowest resolution with the
 * plate's own contrast (sampled from a few wells, adjustable); field and acquisition are chosen above and
 * kept in the URL, and a well opens as a new history entry (state/usePlateNavigation.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CatalogNode } from '../../../shared/catalog';
import type { ChannelState } from '../data/imageModel';
import type { PlateNavigation } from '../state/usePlateNavigation';
import { plateWindow, sampleWells } from './plateContrast';
import { WellThumb } from './WellThumb';
import type { WellPixels } from './wellPixels';
import '../ui.css';

/** Row and column header cells, CSS pixels. */
const HEADER_PX = 30;
/** A well's padding and border around its picture. */
const CELL_EXTRA_PX = 8;
const MIN_WELL_PX = 24;
const MAX_WELL_PX = 480;

/** The side of a square well such that every row and column fits the area. */
export function wellSize(width: number, height: number, rows: number, cols: number): number {
  const fit = Math.min((width - HEADER_PX) / Math.max(1, cols), (height - HEADER_PX) / Math.max(1, rows));
  return Math.max(MIN_WELL_PX, Math.min(MAX_WELL_PX, Math.floor(fit - CELL_EXTRA_PX)));
}

/** The area's size, following window and panel resizes. */
function useSize(el: React.RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 800, height: 600 });
  useEffect(() => {
    const target = el.current;
    if (!target) return;
    const observer = new ResizeObserver(([entry]) =>
      setSize({ width: entry.contentRect.width, height: entry.contentRect.height }),
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [el]);
  return size;
}

function ContrastControls(props: {
  channels: ChannelState[];
  sampled: number;
  total: number;
  onChange: (channels: ChannelState[]) => void;
  onAuto: () => void;
}): React.JSX.Element {
  const set = (c: number, k: 0 | 1, v: number) =>
    props.onChange(
      props.channels.map((ch, i) => {
        if (i !== c || !Number.isFinite(v)) return ch;
        const limits: [number, number] = k === 0 ? [v, ch.limits[1]] : [ch.limits[0], v];
        return { ...ch, limits };
      }),
    );
  return (
    <fieldset className="plate-contrast" data-testid="plate-contrast">
      <legend>Plate contrast</legend>
      {props.channels.map((ch, c) =>
        ch.visible ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: channels are positions.
          <span key={c} className="plate-channel">
            <span className="swatch" style={{ background: `rgb(${ch.color.join(',')})` }} />
            {ch.label}{' '}
            <input
              type="number"
              aria-label={`${ch.label} minimum`}
              data-testid={`plate-min-${c}`}
              value={ch.limits[0]}
              onChange={(e) => set(c, 0, Number(e.target.value))}
            />
            –
            <input
              type="number"
              aria-label={`${ch.label} maximum`}
              data-testid={`plate-max-${c}`}
              value={ch.limits[1]}
              onChange={(e) => set(c, 1, Number(e.target.value))}
            />
          </span>
        ) : null,
      )}
      <button type="button" data-testid="plate-auto" onClick={props.onAuto}>
        Auto
      </button>
      <small className="hint" data-testid="plate-sample">
        One window for every well, sampled from {props.sampled} of {props.total} wells.
      </small>
    </fieldset>
  );
}

export function PlateGrid(props: {
  plate: CatalogNode;
  navigation: PlateNavigation;
  onError: (msg: string) => void;
}): React.JSX.Element {
  const { navigation: nav } = props;
  const spec = props.plate.ome?.plate;
  const acquisitions = spec?.acquisitions ?? [];
  const acquisition = nav.acquisition ?? acquisitions[0]?.id;
  const acq = acquisitions.find((a) => a.id === acquisition);
  // The field count is per acquisition when known, else the plate's; one field when neither says.
  const fields = Math.max(1, acq?.maximumfieldcount ?? spec?.field_count ?? 1);
  const field = Math.min(nav.field, fields - 1);
  const wellPaths = useMemo(
    () => (spec?.wells ?? []).map((w) => `${props.plate.path}/${w.path}`),
    [spec, props.plate.path],
  );
  const sample = useMemo(() => new Set(sampleWells(wellPaths)), [wellPaths]);

  // The sampled wells report their pixels; once all have, the plate's window is computed from them.
  const reported = useRef(new Map<string, WellPixels | null>());
  const [sampled, setSampled] = useState<ChannelState[]>();
  const [plateChannels, setPlateChannels] = useState<ChannelState[]>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new field or acquisition is a new sample.
  useEffect(() => {
    reported.current = new Map();
    setSampled(undefined);
    setPlateChannels(undefined);
  }, [field, acquisition, sample]);
  const onPixels = useCallback(
    (wellPath: string, pixels: WellPixels | null) => {
      if (!sample.has(wellPath)) return;
      reported.current.set(wellPath, pixels);
      if (reported.current.size < sample.size) return;
      const read = [...reported.current.values()].filter((p): p is WellPixels => p !== null);
      const w = plateWindow(read);
      setSampled(w);
      // No sampled well could be read: each well keeps its own window rather than staying blank.
      setPlateChannels(w ?? []);
    },
    [sample],
  );

  const area = useRef<HTMLDivElement>(null);
  const { width, height } = useSize(area);
  if (!spec) return <p className="muted">{props.plate.path} has no plate metadata.</p>;
  const size = wellSize(width, height, spec.rows.length, spec.columns.length);
  const byCell = new Map(spec.wells.map((w) => [`${w.rowIndex},${w.columnIndex}`, w.path]));
  const sampledCount = [...reported.current.values()].filter((p) => p !== null).length;
  return (
    <div className="plate" data-testid="plate">
      <h2>{props.plate.name}</h2>
      <div className="plate-controls">
        <label>
          Field{' '}
          <select data-testid="plate-field" value={field} onChange={(e) => nav.setField(Number(e.target.value))}>
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
              onChange={(e) => nav.setAcquisition(Number(e.target.value))}
            >
              {acquisitions.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name ?? `acquisition ${a.id}`}
                </option>
              ))}
            </select>
          </label>
        )}
        {plateChannels && sampled && (
          <ContrastControls
            channels={plateChannels}
            sampled={sampledCount}
            total={wellPaths.length}
            onChange={setPlateChannels}
            onAuto={() => setPlateChannels(sampled)}
          />
        )}
      </div>
      <div className="plate-area" ref={area}>
        <table aria-label={`Wells of ${props.plate.name}`}>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Row</span>
              </th>
              {spec.columns.map((c) => (
                <th key={c.name} scope="col">
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {spec.rows.map((r, ri) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                {spec.columns.map((c, ci) => {
                  const well = byCell.get(`${ri},${ci}`);
                  return (
                    <td key={c.name}>
                      {well ? (
                        <WellThumb
                          wellPath={`${props.plate.path}/${well}`}
                          name={`${r.name}${c.name}`}
                          field={field}
                          acquisition={acquisition}
                          channels={plateChannels}
                          size={size}
                          onOpen={nav.openWell}
                          onError={props.onError}
                          onPixels={onPixels}
                        />
                      ) : (
                        <div className="well empty" style={{ width: size, height: size }} />
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

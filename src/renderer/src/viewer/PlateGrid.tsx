/** A plate as a grid of wells: each well shows its first field at the lowest resolution; a click opens it. */
import { useEffect, useRef, useState } from 'react';
import type { CatalogNode } from '../../../shared/catalog';
import { fetchCatalog } from '../data/catalogClient';
import { openImage } from '../data/openImage';
import { renderThumbnail } from '../data/thumbnail';

function WellThumb(props: { wellPath: string; onOpen: (path: string) => void; onError: (msg: string) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [field, setField] = useState<string>();
  const { wellPath, onError } = props;
  useEffect(() => {
    const ctl = new AbortController();
    (async () => {
      const well = await fetchCatalog(wellPath, ctl.signal);
      const first = well.ome?.well?.images?.[0]?.path ?? well.children?.find((c) => c.kind === 'image')?.name;
      if (!first) return;
      const path = `${wellPath}/${first}`;
      setField(path);
      const image = await openImage(await fetchCatalog(path, ctl.signal), ctl.signal);
      const pixels = await renderThumbnail(image, ctl.signal);
      const el = canvas.current;
      if (!el) return;
      el.width = pixels.width;
      el.height = pixels.height;
      el.getContext('2d')?.putImageData(pixels, 0, 0);
    })().catch((e: Error) => ctl.signal.aborted || onError(`Well ${wellPath}: ${e.message}`));
    return () => ctl.abort();
  }, [wellPath, onError]);
  return (
    <button
      type="button"
      className="well"
      data-testid={`well-${wellPath}`}
      disabled={!field}
      title={field ? `Open ${field}` : wellPath}
      onClick={() => field && props.onOpen(field)}
    >
      <canvas ref={canvas} />
    </button>
  );
}

export function PlateGrid(props: {
  plate: CatalogNode;
  onOpen: (path: string) => void;
  onError: (msg: string) => void;
}): React.JSX.Element {
  const spec = props.plate.ome?.plate;
  if (!spec) return <p className="muted">{props.plate.path} has no plate metadata.</p>;
  const byCell = new Map(spec.wells.map((w) => [`${w.rowIndex},${w.columnIndex}`, w.path]));
  return (
    <div className="plate" data-testid="plate">
      <h2>{props.plate.name}</h2>
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

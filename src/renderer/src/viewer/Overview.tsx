/**
 * Minimap: the base layer's coarsest level (with its current channels and plane) and the part of it the main
 * view shows. A click centres the main view there. Drawn on a 2D canvas: it needs no second WebGL context.
 * A pyramid too shallow for a small coarsest level gets the frame and the view box, with no picture
 * (thumbnail.ts reads a bounded number of chunks).
 */
import { useEffect, useRef, useState } from 'react';
import { renderThumbnail, ThumbnailUnavailable } from '../data/thumbnail';
import type { Layer } from '../state/layers';
import type { ViewParams } from '../state/urlState';

const MAX_W = 180;
const MAX_H = 140;

export function Overview(props: {
  layer: Layer;
  view: ViewParams;
  viewport: { width: number; height: number };
  onViewChange: (v: ViewParams) => void;
  /** False until the main view has loaded once: the overview must not compete with the first frame's tiles. */
  ready: boolean;
}): React.JSX.Element {
  const { layer, view, viewport, onViewChange, ready } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [open, setOpen] = useState(true);
  const [unavailable, setUnavailable] = useState<string>();
  const [h0, w0] = layer.image.sources[0].shape.slice(-2);
  const k = Math.min(MAX_W / w0, MAX_H / h0);
  const [w, h] = [Math.max(1, Math.round(w0 * k)), Math.max(1, Math.round(h0 * k))];

  useEffect(() => {
    if (!open || !ready) return;
    const ctl = new AbortController();
    // Debounced: dragging a contrast slider must not queue a read per step.
    const id = setTimeout(() => {
      renderThumbnail(layer.image, ctl.signal, layer.channels, layer.selection)
        .then((px) => {
          setUnavailable(undefined);
          const el = canvas.current;
          if (!el) return;
          el.width = px.width;
          el.height = px.height;
          el.getContext('2d')?.putImageData(px, 0, 0);
        })
        .catch((e: unknown) => {
          if (e instanceof ThumbnailUnavailable) setUnavailable(e.message);
          // Other failures: the overview is a convenience; tile errors already reach the user through the main view.
        });
    }, 150);
    return () => {
      clearTimeout(id);
      ctl.abort();
    };
  }, [layer.image, layer.channels, layer.selection, open, ready]);

  const s = 2 ** view.zoom;
  const x0 = view.target[0] - viewport.width / 2 / s;
  const y0 = view.target[1] - viewport.height / 2 / s;
  const x1 = view.target[0] + viewport.width / 2 / s;
  const y1 = view.target[1] + viewport.height / 2 / s;
  const round = (v: number) => Math.round(v * 10) / 10;
  return (
    <div className="overview" data-testid="overview">
      <button type="button" className="overview-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide overview' : 'Overview'}
      </button>
      {open && (
        // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: a pointer shortcut; the main view pans with the keyboard.
        <div
          className="overview-map"
          style={{ width: w, height: h }}
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            onViewChange({ target: [(e.clientX - r.left) / k, (e.clientY - r.top) / k], zoom: view.zoom });
          }}
        >
          <canvas ref={canvas} style={{ width: w, height: h }} aria-label="Overview of the whole image" />
          {unavailable && (
            <span className="overview-note" title={`No overview: ${unavailable}`}>
              no overview (shallow pyramid)
            </span>
          )}
          <div
            className="overview-viewport"
            data-testid="overview-viewport"
            data-rect={[x0, y0, x1, y1].map(round).join(',')}
            style={{ left: x0 * k, top: y0 * k, width: (x1 - x0) * k, height: (y1 - y0) * k }}
          />
        </div>
      )}
    </div>
  );
}

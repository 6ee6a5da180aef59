/**
 * The canvas: deck.gl with one orthographic view in the base layer's level-0 pixel coordinates, drawing
 * every open layer (see imageLayers.ts), a scale bar and an overview of the base layer.
 */
import { OrthographicView } from '@deck.gl/core';
import { DeckGL } from '@deck.gl/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LabelLayerModel } from '../data/labels';
import type { Layer } from '../state/layers';
import type { ViewParams } from '../state/urlState';
import { buildLayers } from './imageLayers';
import { Overview } from './Overview';
import { ScaleBar } from './ScaleBar';

interface Props {
  layers: Layer[];
  view: ViewParams;
  onViewChange: (v: ViewParams) => void;
  onTileError: (err: Error) => void;
  onLoading: (loading: boolean) => void;
  overlays: { model: LabelLayerModel; opacity: number }[];
  testMode: boolean;
}

/** Hooks for end-to-end tests; present only with `?test=1`. */
export interface TestHooks {
  viewportLoads: number;
  /** Screen (CSS px, relative to the canvas) of a base-layer level-0 image coordinate. */
  project: (x: number, y: number) => [number, number];
}

declare global {
  interface Window {
    __zarrBridge?: TestHooks;
  }
}

interface DeckViewState {
  target?: number[];
  zoom?: number | number[];
}

export function Viewer(props: Props): React.JSX.Element {
  const { layers, view, testMode, onLoading, onTileError, onViewChange, overlays } = props;
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // A new image or plane is loading until a layer reports its viewport loaded.
  const planes = layers.map((l) => `${l.id}:${JSON.stringify(l.selection)}`).join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the set of layers and planes is the trigger.
  useEffect(() => onLoading(true), [planes, onLoading]);

  useEffect(() => {
    if (!testMode) return;
    const hooks = window.__zarrBridge ?? { viewportLoads: 0, project: () => [0, 0] };
    hooks.project = (x, y) => {
      const s = 2 ** view.zoom;
      return [(x - view.target[0]) * s + size.width / 2, (y - view.target[1]) * s + size.height / 2];
    };
    window.__zarrBridge = hooks;
  }, [testMode, view, size]);

  const views = useMemo(() => [new OrthographicView({ id: 'detail', controller: true })], []);
  const deckLayers = buildLayers({
    layers,
    overlays,
    onTileError,
    onViewportLoad: () => {
      onLoading(false);
      if (window.__zarrBridge) window.__zarrBridge.viewportLoads += 1;
    },
  });
  const base = layers[0];

  return (
    <div className="viewer" data-testid="viewer" ref={box}>
      {size.width > 0 && (
        <DeckGL
          views={views}
          layers={deckLayers}
          viewState={{ detail: { target: [view.target[0], view.target[1], 0], zoom: view.zoom } }}
          onViewStateChange={({ viewState: vs }: { viewState: DeckViewState }) => {
            const t = vs.target ?? [0, 0];
            const zoom = typeof vs.zoom === 'number' ? vs.zoom : (vs.zoom?.[0] ?? 0);
            onViewChange({ target: [t[0], t[1]], zoom });
          }}
          getCursor={({ isDragging }) => (isDragging ? 'grabbing' : 'crosshair')}
          // Tests read the canvas back after compositing, which needs a preserved drawing buffer.
          deviceProps={{ type: 'webgl', webgl: { preserveDrawingBuffer: testMode, antialias: false } }}
        />
      )}
      {base?.image.pixelSize && <ScaleBar zoom={view.zoom} pixelSize={base.image.pixelSize} />}
      {base && size.width > 0 && <Overview layer={base} view={view} viewport={size} onViewChange={onViewChange} />}
    </div>
  );
}

/** Zoom that fits a width×height image in a viewport, with a margin. */
export function fitView(width: number, height: number, vw: number, vh: number): ViewParams {
  const zoom = Math.log2(Math.min(vw / width, vh / height)) - 0.1;
  return { target: [width / 2, height / 2], zoom };
}

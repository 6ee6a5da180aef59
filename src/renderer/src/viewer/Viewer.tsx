/**
 * The canvas: deck.gl with one orthographic view in the base layer's level-0 pixel coordinates, drawing every
 * open layer (imageLayers.ts), with a scale bar, an overview of the base layer, the readout under the cursor
 * and a notice when the view is too far out for an image's pyramid.
 */
import { OrthographicView } from '@deck.gl/core';
import { DeckGL, type DeckGLRef } from '@deck.gl/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { fetchLimiter } from '../data/bridgeStore';
import type { LabelLayerModel } from '../data/labelImages';
import { toLayerPixel } from '../data/physical';
import { idString, levelAtZoom, peekAt, readValues } from '../data/readout';
import type { Layer } from '../state/layers';
import type { ViewParams } from '../state/urlState';
import { type HoverInfo, HoverReadout } from './HoverReadout';
import { type IdleLoop, parkWhenIdle } from './idleLoop';
import { awaitingWindow, buildLayers, drawnChannels, type LoadedTile, type TileEvents } from './imageLayers';
import { Overview } from './Overview';
import { ScaleBar } from './ScaleBar';
import { overBudgetLayers, screenTiles } from './screenTiles';

interface Props {
  layers: Layer[];
  view: ViewParams;
  onViewChange: (v: ViewParams) => void;
  onTileError: (err: Error) => void;
  onLoading: (loading: boolean) => void;
  overlays: { model: LabelLayerModel; opacity: number }[];
  testMode: boolean;
}

/** Hooks for end-to-end tests and the benchmark; present only with `?test=1`. */
export interface TestHooks {
  viewportLoads: number;
  /** Screen (CSS px, relative to the canvas) of a base-layer level-0 image coordinate. */
  project: (x: number, y: number) => [number, number];
  /** Fetches the viewer's data store has started, and the most in flight at once. */
  fetches: () => { started: number; peak: number; active: number; queued: number };
  /** Tiles in view at the last complete load, per deck layer id. */
  tilesInView: Record<string, number>;
  /** Tiles a view would need beyond the budget, per deck layer id (0: within it). */
  overBudget: Record<string, number>;
  /** URLs the data store had started fetching, in order (recorded in test mode only). */
  fetched: () => readonly string[];
  /**
   * Taken as the first view was shown: how many of `fetched` had started, and `tilesInView`. A test that polls
   * for the first frame would otherwise count the requests made between that frame and its poll.
   */
  firstLoad?: { fetched: number; tilesInView: Record<string, number> };
  /** Whether deck.gl's render loop is parked, nothing on screen changing (idleLoop.ts). */
  renderLoopParked?: () => boolean;
}

/** Counts one more view shown, and takes the first-load snapshot the first time. */
function countViewportLoad(hooks: TestHooks): void {
  hooks.viewportLoads += 1;
  hooks.firstLoad ??= { fetched: fetchLimiter.started.length, tilesInView: { ...hooks.tilesInView } };
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
  const [overBudget, setOverBudget] = useState<Record<string, number>>({});
  const [cursor, setCursor] = useState<[number, number]>();
  // Bumped when tiles load, so the readout shows values that were not cached a moment ago.
  const [loads, setLoads] = useState(0);
  const deck = useRef<DeckGLRef>(null);
  const idle = useRef<IdleLoop>(undefined);
  useEffect(() => () => idle.current?.dispose(), []);
  // Once deck.gl has its device: its render loop runs only while something on screen changes.
  const onDeckLoad = useCallback(() => {
    idle.current?.dispose();
    idle.current = deck.current?.deck ? parkWhenIdle(deck.current.deck) : undefined;
  }, []);

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
    const hooks: TestHooks = window.__zarrBridge ?? {
      viewportLoads: 0,
      project: () => [0, 0],
      fetches: () => fetchLimiter.stats,
      tilesInView: {},
      overBudget: {},
      fetched: () => fetchLimiter.started,
    };
    hooks.renderLoopParked = () => idle.current?.parked ?? false;
    hooks.project = (x, y) => {
      const s = 2 ** view.zoom;
      return [(x - view.target[0]) * s + size.width / 2, (y - view.target[1]) * s + size.height / 2];
    };
    window.__zarrBridge = hooks;
  }, [testMode, view, size]);

  // A layer waiting for a window (awaitingWindow) loads tiles without drawing that channel: its view counts as
  // shown (the test hook's viewportLoads) once the window has come and deck.gl has drawn a frame with it.
  const layersNow = useRef(layers);
  layersNow.current = layers;
  const loadedHidden = useRef(new Set<string>());
  const hidden = useCallback((deckId: string) => {
    const layer = layersNow.current.find((l) => `image-${l.id}` === deckId);
    return layer !== undefined && awaitingWindow(layer);
  }, []);
  useEffect(() => {
    for (const deckId of [...loadedHidden.current]) {
      if (hidden(deckId)) continue;
      loadedHidden.current.delete(deckId);
      // Two frames: deck.gl draws the new props in its own next animation frame.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (window.__zarrBridge) countViewportLoad(window.__zarrBridge);
        }),
      );
    }
  });

  // Budget reports arrive during deck.gl's render: batch them into one state update per frame.
  const pendingBudget = useRef<Record<string, number>>({});
  const budgetFrame = useRef(0);
  const events = useMemo<TileEvents>(
    () => ({
      onTileError,
      onViewportLoad: (deckId: string, tiles: LoadedTile[], channels: number[]) => {
        onLoading(false);
        setLoads((n) => n + 1);
        screenTiles.set(deckId.replace(/^image-/, ''), { tiles, channels });
        const hooks = window.__zarrBridge;
        if (hooks) {
          hooks.tilesInView[deckId] = tiles.length;
          if (hidden(deckId)) loadedHidden.current.add(deckId);
          else countViewportLoad(hooks);
        }
      },
      onOverBudget: (deckId: string, needed: number) => {
        if ((pendingBudget.current[deckId] ?? 0) === needed) return;
        pendingBudget.current = { ...pendingBudget.current, [deckId]: needed };
        if (window.__zarrBridge) window.__zarrBridge.overBudget[deckId] = needed;
        const layerId = deckId.replace(/^image-/, '');
        if (needed > 0) overBudgetLayers.add(layerId);
        else overBudgetLayers.delete(layerId);
        cancelAnimationFrame(budgetFrame.current);
        budgetFrame.current = requestAnimationFrame(() => {
          setOverBudget(pendingBudget.current);
          // Nothing more will load at this zoom: the view is as loaded as it gets (statistics follow loads).
          if (needed > 0) onLoading(false);
        });
      },
    }),
    [onTileError, onLoading, hidden],
  );

  const views = useMemo(() => [new OrthographicView({ id: 'detail', controller: true })], []);
  const deckLayers = buildLayers({ layers, overlays, events });
  const base = layers[0];

  const tooFar = layers.filter((l) => l.visible && (overBudget[`image-${l.id}`] ?? 0) > 0);

  const onMouseMove = useCallback(
    (e: React.MouseEvent<HTMLDivElement>) => {
      const r = e.currentTarget.getBoundingClientRect();
      const s = 2 ** view.zoom;
      const x = view.target[0] + (e.clientX - r.left - r.width / 2) / s;
      const y = view.target[1] + (e.clientY - r.top - r.height / 2) / s;
      setCursor([x, y]);
    },
    [view],
  );

  const hover = base && cursor ? hoverInfo(layers, overlays, cursor, view.zoom) : undefined;
  void loads;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the readout follows the pointer; the keyboard steps planes (App).
    <div
      className="viewer"
      data-testid="viewer"
      ref={box}
      onMouseMove={onMouseMove}
      onMouseLeave={() => setCursor(undefined)}
    >
      {size.width > 0 && (
        <DeckGL
          ref={deck}
          onLoad={onDeckLoad}
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
      {tooFar.length > 0 && (
        <output className="zoom-notice" data-testid="zoom-notice">
          Zoom in to load {tooFar.map((l) => l.image.node.name).join(', ')}: at this zoom the whole view would need{' '}
          {Math.max(...tooFar.map((l) => overBudget[`image-${l.id}`] ?? 0)).toLocaleString('en')} tiles even at the
          coarsest level of its pyramid.
        </output>
      )}
      {hover && <HoverReadout info={hover} />}
      {base?.image.pixelSize && <ScaleBar zoom={view.zoom} pixelSize={base.image.pixelSize} />}
      {base && size.width > 0 && (
        <Overview
          layer={base}
          view={view}
          viewport={size}
          onViewChange={onViewChange}
          ready={loads > 0 && !awaitingWindow(base)}
        />
      )}
    </div>
  );
}

/** The readout at base pixel (x, y): the base layer's position, then every visible layer's values. */
function hoverInfo(
  layers: Layer[],
  overlays: { model: LabelLayerModel; opacity: number }[],
  [x, y]: [number, number],
  zoom: number,
): HoverInfo | undefined {
  const base = layers[0];
  const { axes, channelAxis } = base.image;
  const [h, w] = base.image.sources[0].shape.slice(-2);
  if (x < 0 || y < 0 || x >= w || y >= h) return undefined;
  const rank = axes.length;
  const position = axes
    .filter((a) => a.name !== channelAxis)
    .map((a) => {
      const i = axes.indexOf(a);
      const index = i === rank - 1 ? Math.floor(x) : i === rank - 2 ? Math.floor(y) : (base.selection[a.name] ?? 0);
      const physical =
        a.scale !== undefined ? { value: index * a.scale + (a.translation ?? 0), unit: a.unit } : undefined;
      return { name: a.name, index, ...(physical ? { physical } : {}) };
    });
  const out: HoverInfo['layers'] = [];
  for (const l of layers) {
    if (!l.visible) continue;
    const [lx, ly] = toLayerPixel(l.image.frame, base.image.frame, x, y);
    const level = levelAtZoom(zoom, l.image.sources.length);
    const values = readValues(
      l.image,
      l.channels,
      drawnChannels(l),
      l.selection,
      Math.floor(lx),
      Math.floor(ly),
      level,
    );
    if (values.length) out.push({ name: l.image.node.name, values });
  }
  for (const { model } of overlays) {
    const [lx, ly] = toLayerPixel(model.frame, base.image.frame, x, y);
    const raw = model.sources.map((s) => s.raw);
    const hit = peekAt(raw, base.selection, Math.floor(lx), Math.floor(ly), levelAtZoom(zoom, raw.length));
    out.push({
      name: model.name,
      values: [{ label: `${model.name} id`, text: hit ? idString(hit.value) : undefined, level: hit?.level }],
    });
  }
  return { position, layers: out };
}

/** Zoom that fits a width×height image in a viewport, with a margin. */
export function fitView(width: number, height: number, vw: number, vh: number): ViewParams {
  const zoom = Math.log2(Math.min(vw / width, vh / height)) - 0.1;
  return { target: [width / 2, height / 2], zoom };
}

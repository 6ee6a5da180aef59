/** The viewer app: catalog browser on the left, the layers in the middle, the selected layer's controls on the right. */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api } from './api/api';
import { humanError } from './api/humanError';
import { AddSource } from './browser/AddSource';
import { CatalogTree } from './browser/CatalogTree';
import { RecentSources } from './browser/RecentSources';
import { SeriesPicker } from './browser/SeriesPicker';
import { fetchLimiter } from './data/bridgeStore';
import { ExportCenter } from './export/ExportCenter';
import { OpenInNeuroglancer } from './neuroglancer/OpenInNeuroglancer';
import { LabelControls } from './panel/LabelControls';
import { LayerDetails } from './panel/LayerDetails';
import { LayerList } from './panel/LayerList';
import { SettingsPanel } from './panel/SettingsPanel';
import type { Layer } from './state/layers';
import { parseUrlState, serializeUrlState, type UrlState, type ViewParams } from './state/urlState';
import { useChannelStats } from './state/useChannelStats';
import { useDropToOpen } from './state/useDropToOpen';
import { useLabels } from './state/useLabels';
import { useLayers } from './state/useLayers';
import { usePlaneKeys } from './state/usePlaneKeys';
import { usePlateNavigation } from './state/usePlateNavigation';
import { PlateGrid } from './viewer/PlateGrid';
import { prefetchView } from './viewer/prefetchView';
import { fitView, Viewer } from './viewer/Viewer';

/** How long the first view waits for its tiles' levels to open before the canvas is created anyway. */
const PREFETCH_WAIT_MS = 300;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function App(): React.JSX.Element {
  const initial = useRef<UrlState>(parseUrlState(window.location.search));
  const [view, setView] = useState<ViewParams>({ target: [0, 0], zoom: 0 });
  const [tilesLoading, setTilesLoading] = useState(false);
  // Loads of the view so far: statistics of what is on screen follow them.
  const [loads, setLoads] = useState(0);
  const [collapsed, setCollapsed] = useState<{ left: boolean; right: boolean }>({ left: false, right: false });
  const [errors, setErrors] = useState<string[]>([]);
  const [refresh, setRefresh] = useState(0);
  const [recentVersion, setRecentVersion] = useState(0);
  // The desktop menu opens panels with `?panel=settings` / `?panel=add-remote`.
  const panel = useRef(new URLSearchParams(window.location.search).get('panel'));
  const [showSettings, setShowSettings] = useState(panel.current === 'settings');
  useEffect(() => {
    if (panel.current === 'add-remote')
      document.querySelector<HTMLInputElement>('[data-testid="add-remote-url"]')?.focus();
  }, []);
  const stage = useRef<HTMLDivElement>(null);
  const testMode = initial.current.test;
  if (testMode) {
    window.__zarrBridgeApi = api;
    // From the start: the view is prefetched (prefetchView) before the viewer has mounted.
    fetchLimiter.record();
  }

  // Every message shown is worded for people (api/humanError.ts), whoever reports it.
  const reportError = useCallback((raw: string) => {
    const msg = humanError(raw);
    setErrors((e) => (e.includes(msg) ? e : [...e, msg].slice(-5)));
  }, []);
  const remember = useCallback((source: string) => {
    api
      .rememberSource(source)
      .then(() => setRecentVersion((v) => v + 1))
      .catch(() => undefined); // Recents are a convenience; failing to store one is not worth an error.
  }, []);
  const layers = useLayers(reportError, remember);
  const { open, abortAll } = layers;
  const base = layers.layers[0];
  const { autoContrast } = useChannelStats(layers.layers, layers.selected, layers.update, loads);
  usePlaneKeys(layers.selected, layers.update);

  // The canvas waits for its first view: a frame drawn at a placeholder view would request tiles for nothing.
  const [viewReady, setViewReady] = useState(false);
  const canvasMade = useRef(false);
  /** Shows `layer` at `given` (a URL's view) or fitted to the stage. */
  const [presenting, setPresenting] = useState<{ layer: Layer; given?: ViewParams }>();
  const present = useCallback((layer: Layer, given?: ViewParams) => setPresenting({ layer, given }), []);
  // Measured in the commit that shows the layer: opening the first layer brings in the layer panel, which
  // narrows the stage, and reading the stage's size here lays it out with the panel. (Measured in the next
  // animation frame instead, a busy page could run that frame before React had committed the panel: the
  // view was then fitted to, and its tiles asked for, a stage wider than the one drawn.)
  useLayoutEffect(() => {
    if (!presenting) return;
    const { layer, given } = presenting;
    const [h, w] = layer.image.sources[0].shape.slice(-2);
    const el = stage.current;
    const width = el?.clientWidth || 800;
    const height = el?.clientHeight || 600;
    const shown = given ?? fitView(w, h, width, height);
    const ready = () => {
      setView(shown);
      setViewReady(true);
    };
    // Errors are the layer's to report when it reads the same tiles.
    const prefetched = prefetchView(layer, shown, width, height).catch(() => undefined);
    // The first time, the tiles' requests go out before the canvas is created, which holds the page for a
    // while; waiting for their levels' metadata costs a small request at most. Once the canvas exists, the
    // view moves at once (the layer's tiles would otherwise be asked for at the old view meanwhile).
    if (canvasMade.current) return ready();
    canvasMade.current = true;
    void Promise.race([prefetched, sleep(PREFETCH_WAIT_MS)]).then(ready);
  }, [presenting]);

  /** "Open": replaces every layer (or shows a plate) and fits the view. */
  const openReplacing = useCallback(
    async (source: string) => {
      setErrors([]);
      const layer = await open(source);
      if (layer) present(layer);
    },
    [open, present],
  );
  const addLayer = useCallback((source: string) => void open(source, { add: true }), [open]);
  // A well opens as a new history entry (Back returns to the plate); field and acquisition live in the URL.
  const showView = (first: unknown, v?: ViewParams) => present(first as Layer, v);
  const nav = usePlateNavigation(initial.current, { open, showView });

  // The URL's layers, once: the base with its view, then the others in order.
  useEffect(() => {
    const u = initial.current;
    for (const note of u.notOpened ?? []) reportError(`Not opened from the Neuroglancer state: ${note}`);
    if (!u.source) return;
    let live = true;
    (async () => {
      const first = await open(u.source as string, { params: u });
      if (!first || !live) return;
      present(first, u.view);
      for (const l of u.layers) if (live) await open(l.source, { add: true, params: l });
    })();
    return () => {
      live = false;
      abortAll();
    };
  }, [open, abortAll, present, reportError]);

  // Test mode: what loading the page at `?…` would show, in this page (one page for many images or views).
  useEffect(() => {
    if (!testMode) return;
    window.__zarrBridgeShow = async (query: string) => {
      const u = parseUrlState(query);
      if (!u.source) return;
      const first = await open(u.source, { params: u });
      if (first) present(first, u.view);
    };
  }, [testMode, open, present]);

  // URL labels belong to the base image the URL names; later images start with labels off.
  const [urlLabels] = useState(() => initial.current.labels);
  const labelsFor = useRef<string>(undefined);
  if (base && labelsFor.current === undefined) labelsFor.current = base.image.node.path;
  const labels = useLabels(base?.image, base?.image.node.path === labelsFor.current ? urlLabels : {}, reportError);

  // Keep the view in the address bar: at most 200 ms behind (panning and loading fire many updates; a
  // debounce that restarted on each would leave the address stale for as long as they go on).
  const urlState = useRef<Parameters<typeof serializeUrlState>[0]>(undefined);
  const urlTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => {
    urlState.current = {
      source: layers.plate?.source,
      layers: layers.layers,
      view,
      labels: labels.urlLabels,
      plate: nav.params,
      test: testMode,
    };
    urlTimer.current ??= setTimeout(() => {
      urlTimer.current = undefined;
      if (urlState.current) window.history.replaceState(null, '', serializeUrlState(urlState.current));
    }, 200);
  }, [layers.plate, layers.layers, view, testMode, labels.urlLabels, nav.params]);
  useEffect(() => () => clearTimeout(urlTimer.current), []);

  const onMounted = useCallback(
    (path: string) => {
      setRefresh((r) => r + 1);
      void openReplacing(path);
    },
    [openReplacing],
  );
  const drop = useDropToOpen(onMounted, reportError);
  const onTileError = useCallback((e: Error) => reportError(`A tile could not be read: ${e.message}`), [reportError]);
  const onLoading = useCallback((loading: boolean) => {
    setTilesLoading(loading);
    if (!loading) setLoads((n) => n + 1);
  }, []);
  const loading = layers.opening || (base !== undefined && tilesLoading);
  const selected = layers.selected;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole window is the drop target for folders.
    <div
      className={`app${drop.dragging ? ' dragging' : ''}${collapsed.left ? ' left-collapsed' : ''}${
        collapsed.right || !layers.selected ? ' right-collapsed' : ''
      }`}
      onDragOver={drop.onDragOver}
      onDragLeave={drop.onDragLeave}
      onDrop={drop.onDrop}
    >
      <aside className="sidebar" aria-label="Catalog" hidden={collapsed.left}>
        <h1>Zarr Bridge</h1>
        <CatalogTree
          refresh={refresh}
          selected={selected?.image.node.path}
          onOpen={openReplacing}
          onAdd={base ? addLayer : undefined}
          onError={reportError}
        />
        <RecentSources version={recentVersion} onOpen={openReplacing} />
        <AddSource onMounted={onMounted} onError={reportError} />
        <button type="button" className="settings-button" onClick={() => setShowSettings((v) => !v)}>
          Settings…
        </button>
        {showSettings && <SettingsPanel onClose={() => setShowSettings(false)} onError={reportError} />}
      </aside>
      <main className="stage" ref={stage}>
        <button
          type="button"
          className="collapse collapse-left"
          aria-label={collapsed.left ? 'Show the catalog panel' : 'Hide the catalog panel'}
          aria-expanded={!collapsed.left}
          data-testid="toggle-left"
          onClick={() => setCollapsed((c) => ({ ...c, left: !c.left }))}
        >
          {collapsed.left ? '›' : '‹'}
        </button>
        {layers.selected && (
          <button
            type="button"
            className="collapse collapse-right"
            aria-label={collapsed.right ? 'Show the layer panel' : 'Hide the layer panel'}
            aria-expanded={!collapsed.right}
            data-testid="toggle-right"
            onClick={() => setCollapsed((c) => ({ ...c, right: !c.right }))}
          >
            {collapsed.right ? '‹' : '›'}
          </button>
        )}
        {base && viewReady ? (
          <Viewer
            layers={layers.layers}
            view={view}
            onViewChange={setView}
            onTileError={onTileError}
            onLoading={onLoading}
            overlays={labels.overlays}
            testMode={testMode}
          />
        ) : layers.plate ? (
          <PlateGrid plate={layers.plate.node} navigation={nav} onError={reportError} />
        ) : (
          !layers.opening &&
          !base && (
            <div className="stage-empty">
              <p>Choose an image in the catalog, open a folder, or drop one here (desktop app), to view it here.</p>
            </div>
          )
        )}
        {loading && (
          <output className="loading" data-testid="loading">
            Loading…
          </output>
        )}
        {drop.notice && (
          <output className="notice" data-testid="drop-notice">
            {drop.notice}
            <button type="button" onClick={drop.clearNotice}>
              OK
            </button>
          </output>
        )}
        {errors.length > 0 && (
          <div className="errors" role="alert" data-testid="errors">
            {errors.map((e) => (
              <div key={e}>{e}</div>
            ))}
            <button type="button" onClick={() => setErrors([])}>
              Dismiss
            </button>
          </div>
        )}
        <ExportCenter view={view} stage={stage} onOpen={onMounted} onError={reportError} />
      </main>
      {selected && !collapsed.right && (
        <aside className="controls" aria-label="Layers and channels">
          {base && <SeriesPicker imagePath={base.image.node.path} onOpen={openReplacing} />}
          <LayerList
            layers={layers.layers}
            selectedId={selected.id}
            onSelect={layers.select}
            onChange={(id, patch) => layers.update(id, () => patch)}
            onRemove={layers.remove}
          />
          <LayerDetails
            key={selected.id}
            layer={selected}
            onChange={(patch) => layers.update(selected.id, patch)}
            onAuto={(c) => void autoContrast(selected, c).catch((e: Error) => reportError(e.message))}
            isBase={selected === base}
          >
            {selected === base && (
              <LabelControls labels={labels.list} settings={labels.settings} onChange={labels.setSetting} />
            )}
          </LayerDetails>
          <OpenInNeuroglancer
            layers={layers.layers}
            view={view}
            labels={labels.list.flatMap((l) =>
              labels.urlLabels[l.name] !== undefined ? [{ path: l.path, opacity: labels.urlLabels[l.name] }] : [],
            )}
          />
        </aside>
      )}
    </div>
  );
}

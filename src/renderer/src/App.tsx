/** The viewer app: catalog browser on the left, the layers in the middle, the selected layer's controls on the right. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api/api';
import { AddSource } from './browser/AddSource';
import { CatalogTree } from './browser/CatalogTree';
import { RecentSources } from './browser/RecentSources';
import { ExportCenter } from './export/ExportCenter'; // Export hook-up (src/renderer/src/export)
import { LabelControls } from './panel/LabelControls';
import { LayerDetails } from './panel/LayerDetails';
import { LayerList } from './panel/LayerList';
import { SettingsPanel } from './panel/SettingsPanel';
import type { Layer } from './state/layers';
import { parseUrlState, serializeUrlState, type UrlState, type ViewParams } from './state/urlState';
import { useDropToOpen } from './state/useDropToOpen';
import { useLabels } from './state/useLabels';
import { useLayers } from './state/useLayers';
import { PlateGrid } from './viewer/PlateGrid';
import { fitView, Viewer } from './viewer/Viewer';

export function App(): React.JSX.Element {
  const initial = useRef<UrlState>(parseUrlState(window.location.search));
  const [view, setView] = useState<ViewParams>({ target: [0, 0], zoom: 0 });
  const [tilesLoading, setTilesLoading] = useState(false);
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
  if (testMode) window.__zarrBridgeApi = api;

  const reportError = useCallback((msg: string) => setErrors((e) => (e.includes(msg) ? e : [...e, msg].slice(-5))), []);
  const remember = useCallback((source: string) => {
    api
      .rememberSource(source)
      .then(() => setRecentVersion((v) => v + 1))
      .catch(() => undefined); // Recents are a convenience; failing to store one is not worth an error.
  }, []);
  const layers = useLayers(reportError, remember);
  const { open, abortAll } = layers;
  const base = layers.layers[0];

  const fitTo = useCallback((layer: Layer) => {
    const el = stage.current;
    const [h, w] = layer.image.sources[0].shape.slice(-2);
    setView(fitView(w, h, el?.clientWidth || 800, el?.clientHeight || 600));
  }, []);

  /** "Open": replaces every layer (or shows a plate) and fits the view. */
  const openReplacing = useCallback(
    async (source: string) => {
      setErrors([]);
      const layer = await open(source);
      if (layer) fitTo(layer);
    },
    [open, fitTo],
  );
  const addLayer = useCallback((source: string) => void open(source, { add: true }), [open]);

  // The URL's layers, once: the base with its view, then the others in order.
  useEffect(() => {
    const u = initial.current;
    if (!u.source) return;
    let live = true;
    (async () => {
      const first = await open(u.source as string, { params: u });
      if (!first || !live) return;
      if (u.view) setView(u.view);
      else fitTo(first);
      for (const l of u.layers) if (live) await open(l.source, { add: true, params: l });
    })();
    return () => {
      live = false;
      abortAll();
    };
  }, [open, abortAll, fitTo]);

  // URL labels belong to the base image the URL names; later images start with labels off.
  const [urlLabels] = useState(() => initial.current.labels);
  const labelsFor = useRef<string>(undefined);
  if (base && labelsFor.current === undefined) labelsFor.current = base.image.node.path;
  const labels = useLabels(base?.image, base?.image.node.path === labelsFor.current ? urlLabels : {}, reportError);

  // Keep the view in the address bar (debounced: panning fires many updates).
  useEffect(() => {
    const id = setTimeout(() => {
      const query = serializeUrlState({
        source: layers.plate?.source,
        layers: layers.layers,
        view,
        labels: labels.urlLabels,
        test: testMode,
      });
      window.history.replaceState(null, '', query);
    }, 200);
    return () => clearTimeout(id);
  }, [layers.plate, layers.layers, view, testMode, labels.urlLabels]);

  const onMounted = useCallback(
    (path: string) => {
      setRefresh((r) => r + 1);
      void openReplacing(path);
    },
    [openReplacing],
  );
  const drop = useDropToOpen(onMounted, reportError);
  const onTileError = useCallback((e: Error) => reportError(`Tile failed: ${e.message}`), [reportError]);
  const loading = layers.opening || (base !== undefined && tilesLoading);
  const selected = layers.selected;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole window is the drop target for folders.
    <div
      className={`app${drop.dragging ? ' dragging' : ''}`}
      onDragOver={drop.onDragOver}
      onDragLeave={drop.onDragLeave}
      onDrop={drop.onDrop}
    >
      <aside className="sidebar">
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
        {base ? (
          <Viewer
            layers={layers.layers}
            view={view}
            onViewChange={setView}
            onTileError={onTileError}
            onLoading={setTilesLoading}
            overlays={labels.overlays}
            testMode={testMode}
          />
        ) : layers.plate ? (
          <PlateGrid plate={layers.plate.node} onOpen={openReplacing} onError={reportError} />
        ) : (
          !layers.opening && (
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
      {selected && (
        <aside className="controls">
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
            onError={reportError}
            isBase={selected === base}
          >
            {selected === base && (
              <LabelControls labels={labels.list} settings={labels.settings} onChange={labels.setSetting} />
            )}
          </LayerDetails>
        </aside>
      )}
    </div>
  );
}

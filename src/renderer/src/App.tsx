/** The viewer app: catalog browser on the left, the image in the middle, its controls on the right. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatalogNode } from '../../shared/catalog';
import { AddSource } from './browser/AddSource';
import { CatalogTree } from './browser/CatalogTree';
import { fetchCatalog, resolveSource } from './data/catalogClient';
import { percentileLimits } from './data/contrast';
import type { ChannelState, ImageModel } from './data/imageModel';
import { openImage } from './data/openImage';
import { AxisSliders } from './panel/AxisSliders';
import { ChannelControls } from './panel/ChannelControls';
import { CopyUrls } from './panel/CopyUrls';
import { LabelControls } from './panel/LabelControls';
import { parseUrlState, serializeUrlState, type UrlState, type ViewParams } from './state/urlState';
import { useLabels } from './state/useLabels';
import { PlateGrid } from './viewer/PlateGrid';
import { fitView, Viewer } from './viewer/Viewer';

/** Nodes that are collections, not images: open their first image instead (plates are shown as grids). */
async function resolveImageNode(node: CatalogNode, signal: AbortSignal): Promise<CatalogNode> {
  const path = node.path;
  if (node.kind === 'image' || (node.kind === 'array' && node.levels?.length)) return node;
  // A plain array is a one-level pyramid of itself.
  if (node.kind === 'array' && node.array) return { ...node, levels: [{ path: '', ...node.array }] };
  if (node.kind === 'bioformats2raw') {
    const first = node.children?.find((c) => c.kind === 'image');
    if (first) return fetchCatalog(first.path, signal);
  }
  throw new Error(`${path} is a ${node.kind}; choose an image inside it in the catalog`);
}

function mergeChannels(defaults: ChannelState[], fromUrl: UrlState['channels']): ChannelState[] {
  return defaults.map((d, i) => {
    const u = fromUrl[i];
    if (!u) return d;
    return { ...d, ...u, range: [Math.min(d.range[0], u.limits[0]), Math.max(d.range[1], u.limits[1])] };
  });
}

export function App(): React.JSX.Element {
  const initial = useRef<UrlState>(parseUrlState(window.location.search));
  const [source, setSource] = useState<string | undefined>(initial.current.source);
  // What the address bar names: the catalog path once resolved (a remote URL stays a URL so the link remounts it).
  const [shownSource, setShownSource] = useState<string | undefined>(initial.current.source);
  const [image, setImage] = useState<ImageModel>();
  const [plate, setPlate] = useState<CatalogNode>();
  const [channels, setChannels] = useState<ChannelState[]>([]);
  const [selection, setSelection] = useState<Record<string, number>>({});
  const [view, setView] = useState<ViewParams>({ target: [0, 0], zoom: 0 });
  const [opening, setOpening] = useState(false);
  const [tilesLoading, setTilesLoading] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [refresh, setRefresh] = useState(0);
  const stage = useRef<HTMLDivElement>(null);
  const testMode = initial.current.test;

  const reportError = useCallback((msg: string) => setErrors((e) => (e.includes(msg) ? e : [...e, msg].slice(-5))), []);
  const [urlLabels0] = useState(() => initial.current.labels);
  // URL labels belong to the first image opened (the one the URL names).
  const labelsFromUrlFor = useRef<string>(undefined);
  const labels = useLabels(image, image && image.node.path === labelsFromUrlFor.current ? urlLabels0 : {}, reportError);

  useEffect(() => {
    if (!source) return;
    const ctl = new AbortController();
    setOpening(true);
    setErrors([]);
    (async () => {
      const path = await resolveSource(source, ctl.signal);
      const found = await fetchCatalog(path, ctl.signal);
      if (found.kind === 'plate') {
        setImage(undefined);
        setPlate(found);
        setShownSource(path);
        return;
      }
      const node = await resolveImageNode(found, ctl.signal);
      const img = await openImage(node, ctl.signal);
      setPlate(undefined);
      // URL state applies to the first image opened (the one the URL names); later opens start fresh.
      const fromUrl = initial.current;
      initial.current = { ...fromUrl, selection: {}, channels: [], view: undefined };
      labelsFromUrlFor.current ??= node.path;
      setImage(img);
      setChannels(mergeChannels(img.defaultChannels, fromUrl.channels));
      setSelection({ ...img.defaultSelection, ...fromUrl.selection });
      const el = stage.current;
      const [h, w] = img.sources[0].shape.slice(-2);
      setView(fromUrl.view ?? fitView(w, h, el?.clientWidth || 800, el?.clientHeight || 600));
      setShownSource(/^https?:/i.test(source) && path.startsWith('remote/') ? source : node.path);
    })()
      .catch((e: Error) => ctl.signal.aborted || reportError(e.message))
      .finally(() => ctl.signal.aborted || setOpening(false));
    return () => ctl.abort();
  }, [source, reportError]);

  // Keep the view in the address bar (debounced: panning fires many updates).
  useEffect(() => {
    const id = setTimeout(() => {
      const query = serializeUrlState({
        source: shownSource,
        selection,
        view: image ? view : undefined,
        channels,
        labels: labels.urlLabels,
        test: testMode,
      });
      window.history.replaceState(null, '', query);
    }, 200);
    return () => clearTimeout(id);
  }, [shownSource, selection, view, channels, image, testMode, labels.urlLabels]);

  const autoContrast = useCallback(
    async (i: number) => {
      if (!image) return;
      const lowest = image.sources[image.sources.length - 1];
      const sel = image.channelAxis ? { ...selection, [image.channelAxis]: i } : selection;
      try {
        const raster = await lowest.getRaster({ selection: sel });
        const limits = percentileLimits(raster.data);
        setChannels((cs) => cs.map((c, j) => (j === i ? { ...c, limits } : c)));
      } catch (e) {
        reportError((e as Error).message);
      }
    },
    [image, selection, reportError],
  );

  const onTileError = useCallback((e: Error) => reportError(`Tile failed: ${e.message}`), [reportError]);
  const loading = opening || (image !== undefined && tilesLoading);

  return (
    <div className="app">
      <aside className="sidebar">
        <h1>Zarr Bridge</h1>
        <CatalogTree refresh={refresh} selected={image?.node.path} onOpen={setSource} onError={reportError} />
        <AddSource
          onMounted={(path) => {
            setRefresh((r) => r + 1);
            setSource(path);
          }}
          onError={reportError}
        />
      </aside>
      <main className="stage" ref={stage}>
        {image ? (
          <Viewer
            image={image}
            channels={channels}
            selection={selection}
            view={view}
            onViewChange={setView}
            onTileError={onTileError}
            onLoading={setTilesLoading}
            overlays={labels.overlays}
            testMode={testMode}
          />
        ) : plate ? (
          <PlateGrid plate={plate} onOpen={setSource} onError={reportError} />
        ) : (
          !opening && (
            <div className="stage-empty">
              <p>Choose an image in the catalog, or open a folder, to view it here.</p>
            </div>
          )
        )}
        {loading && (
          <output className="loading" data-testid="loading">
            Loading…
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
      </main>
      {image && (
        <aside className="controls">
          <h2 title={image.node.path}>{image.node.name}</h2>
          <p className="muted">
            {image.sources[0].shape.join('×')} {image.sources[0].dtype} · {image.sources.length} level
            {image.sources.length === 1 ? '' : 's'}
          </p>
          <AxisSliders
            axes={image.axes}
            channelAxis={image.channelAxis}
            selection={selection}
            onChange={(name, index) => setSelection((s) => ({ ...s, [name]: index }))}
          />
          <ChannelControls
            channels={channels}
            onChange={(i, next) => setChannels((cs) => cs.map((c, j) => (j === i ? next : c)))}
            onAuto={autoContrast}
          />
          <LabelControls labels={labels.list} settings={labels.settings} onChange={labels.setSetting} />
          <CopyUrls node={image.node} />
        </aside>
      )}
    </div>
  );
}

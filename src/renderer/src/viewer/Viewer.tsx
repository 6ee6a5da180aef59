/**
 * The canvas: viv's VivViewer with one DetailView (an orthographic view holding a MultiscaleImageLayer),
 * in level-0 pixel coordinates. Going through VivViewer (rather than importing @deck.gl/* here) makes the
 * layers and the canvas share the one deck.gl/luma.gl copy that viv resolves, whatever else is hoisted.
 */
import { DetailView, MultiscaleImageLayer, VivViewer } from '@hms-dbmi/viv';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ChannelState, ImageModel } from '../data/imageModel';
import type { LabelLayerModel } from '../data/labels';
import type { ViewParams } from '../state/urlState';
import { ScaleBar } from './ScaleBar';

interface Props {
  image: ImageModel;
  channels: ChannelState[];
  selection: Record<string, number>;
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
  /** Screen (CSS px, relative to the canvas) of a level-0 image coordinate. */
  project: (x: number, y: number) => [number, number];
}

declare global {
  interface Window {
    __zarrBridge?: TestHooks;
  }
}

const VIEW_ID = 'detail';

interface DeckViewState {
  target?: number[];
  zoom?: number | number[];
}

export function Viewer(props: Props): React.JSX.Element {
  const { image, channels, selection, view, testMode, onLoading, onTileError, onViewChange } = props;
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

  const selections = useMemo(
    () =>
      Array.from({ length: image.channelCount }, (_, c) =>
        image.channelAxis ? { ...selection, [image.channelAxis]: c } : { ...selection },
      ),
    [image, selection],
  );

  // A new image or plane is loading until the layer reports its viewport loaded.
  // biome-ignore lint/correctness/useExhaustiveDependencies: image and selections are the triggers, not inputs.
  useEffect(() => onLoading(true), [image, selections, onLoading]);

  useEffect(() => {
    if (!testMode) return;
    const hooks = window.__zarrBridge ?? { viewportLoads: 0, project: () => [0, 0] };
    hooks.project = (x, y) => {
      const s = 2 ** view.zoom;
      return [(x - view.target[0]) * s + size.width / 2, (y - view.target[1]) * s + size.height / 2];
    };
    window.__zarrBridge = hooks;
  }, [testMode, view, size]);

  const detail = useMemo(() => new DetailView({ id: VIEW_ID, height: size.height, width: size.width }), [size]);

  const layerProps = {
    loader: image.sources,
    selections,
    colors: channels.map((c) => c.color),
    contrastLimits: channels.map((c) => c.limits),
    channelsVisible: channels.map((c) => c.visible),
    onTileError,
    onViewportLoad: () => {
      onLoading(false);
      if (window.__zarrBridge) window.__zarrBridge.viewportLoads += 1;
    },
  };
  // Label overlays are extra layers; VivViewer draws a layer in a view only if its id carries the view's tag.
  const overlayLayers = props.overlays.map(
    ({ model, opacity }) =>
      new MultiscaleImageLayer({
        id: `labels-${model.path}-#${VIEW_ID}#`,
        loader: model.sources,
        selections: [selection],
        contrastLimits: [[0, 255]],
        channelsVisible: [true],
        opacity,
        viewportId: VIEW_ID,
        excludeBackground: true,
        // RGBA tiles are drawn as bitmaps; opacity < 1 needs tiles that do not overlap.
        refinementStrategy: 'no-overlap',
        onTileError,
      } as unknown as ConstructorParameters<typeof MultiscaleImageLayer>[0]),
  );
  const viewState = { id: VIEW_ID, target: [view.target[0], view.target[1], 0], zoom: view.zoom, ...size };

  return (
    <div className="viewer" data-testid="viewer" ref={box}>
      {size.width > 0 && (
        <VivViewer
          views={[detail]}
          layerProps={[layerProps]}
          viewStates={[viewState]}
          onViewStateChange={({ viewState: vs }: { viewState: DeckViewState }) => {
            const t = vs.target ?? [0, 0];
            const zoom = typeof vs.zoom === 'number' ? vs.zoom : (vs.zoom?.[0] ?? 0);
            onViewChange({ target: [t[0], t[1]], zoom });
            return vs;
          }}
          deckProps={{
            layers: overlayLayers,
            // Tests read the canvas back after compositing, which needs a preserved drawing buffer.
            deviceProps: { type: 'webgl', webgl: { preserveDrawingBuffer: testMode, antialias: false } },
          }}
        />
      )}
      {image.pixelSize && <ScaleBar zoom={view.zoom} pixelSize={image.pixelSize} />}
    </div>
  );
}

/** Zoom that fits a width×height image in a viewport, with a margin. */
export function fitView(width: number, height: number, vw: number, vh: number): ViewParams {
  const zoom = Math.log2(Math.min(vw / width, vh / height)) - 0.1;
  return { target: [width / 2, height / 2], zoom };
}

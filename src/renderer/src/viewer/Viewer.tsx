/** The deck.gl canvas: one viv MultiscaleImageLayer in an orthographic view, in level-0 pixel coordinates. */
import { type OrthographicViewState, OrthographicView, type Deck } from '@deck.gl/core';
import DeckGL, { type DeckGLRef } from '@deck.gl/react';
import { MultiscaleImageLayer } from '@hms-dbmi/viv';
import { useEffect, useMemo, useRef } from 'react';
import type { ChannelState, ImageModel } from '../data/imageModel';
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
  testMode: boolean;
}

/** Hooks for end-to-end tests; present only with `?test=1`. */
export interface TestHooks {
  deck?: Deck;
  viewportLoads: number;
  project: (x: number, y: number) => [number, number] | undefined;
}

declare global {
  interface Window {
    __zarrBridge?: TestHooks;
  }
}

export function Viewer(props: Props): React.JSX.Element {
  const { image, channels, selection, view, testMode } = props;
  const deckRef = useRef<DeckGLRef>(null);
  const views = useMemo(() => [new OrthographicView({ id: 'ortho', controller: true })], []);

  const selections = useMemo(() => {
    const n = image.channelCount;
    return Array.from({ length: n }, (_, c) => (image.channelAxis ? { ...selection, [image.channelAxis]: c } : { ...selection }));
  }, [image, selection]);

  useEffect(() => {
    if (!testMode) return;
    const hooks: TestHooks = window.__zarrBridge ?? { viewportLoads: 0, project: () => undefined };
    hooks.project = (x, y) => {
      const vp = deckRef.current?.deck?.getViewports()[0];
      if (!vp) return undefined;
      const [sx, sy] = vp.project([x, y]);
      return [sx, sy];
    };
    hooks.deck = deckRef.current?.deck ?? undefined;
    window.__zarrBridge = hooks;
  });

  const { onLoading, onTileError } = props;
  // A new layer (new image/selection) is loading until deck reports its viewport loaded.
  useEffect(() => onLoading(true), [image, selections, onLoading]);

  // viv's declared props omit its ColorPaletteExtension's `colors` and TileLayer callbacks, and demand a
  // `dtype` that the layer itself derives from loader[0]; hence the cast below.
  const layerProps = {
    id: `image-${image.node.path}`,
    loader: image.sources,
    selections,
    colors: channels.map((c) => c.color),
    contrastLimits: channels.map((c) => c.limits),
    channelsVisible: channels.map((c) => c.visible),
    viewportId: 'ortho',
    onTileError: (err: Error) => onTileError(err),
    onViewportLoad: () => {
      onLoading(false);
      if (window.__zarrBridge) window.__zarrBridge.viewportLoads += 1;
    },
  };
  const layer = new MultiscaleImageLayer(layerProps as unknown as ConstructorParameters<typeof MultiscaleImageLayer>[0]);

  const viewState: OrthographicViewState = { target: [view.target[0], view.target[1], 0], zoom: view.zoom };
  return (
    <div className="viewer" data-testid="viewer">
      <DeckGL
        ref={deckRef}
        views={views}
        layers={[layer]}
        viewState={{ ortho: viewState }}
        onViewStateChange={({ viewState: vs }) => {
          const v = vs as OrthographicViewState;
          const t = v.target ?? [0, 0];
          props.onViewChange({ target: [t[0], t[1]], zoom: typeof v.zoom === 'number' ? v.zoom : (v.zoom?.[0] ?? 0) });
        }}
        deviceProps={{ type: 'webgl', webgl: { preserveDrawingBuffer: testMode, antialias: false } }}
        useDevicePixels={testMode ? 1 : true}
      />
      {image.pixelSize && <ScaleBar zoom={view.zoom} pixelSize={image.pixelSize} />}
    </div>
  );
}

/** Zoom that fits a width×height image in a viewport, with a margin. */
export function fitView(width: number, height: number, vw: number, vh: number): ViewParams {
  const zoom = Math.log2(Math.min(vw / width, vh / height)) - 0.1;
  return { target: [width / 2, height / 2], zoom };
}

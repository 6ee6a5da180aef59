/**
 * deck.gl layers for the open image layers and label overlays, in the base layer's level-0 pixels.
 * Every image layer is a viv layer (MultiscaleImageLayer, or ImageLayer for one level, as viv's own
 * DetailView does); non-base layers carry a model matrix from their physical frame.
 */
import type { Layer as DeckLayer } from '@deck.gl/core';
import { ImageLayer, MultiscaleImageLayer } from '@hms-dbmi/viv';
import type { LabelLayerModel } from '../data/labels';
import { modelMatrixFor } from '../data/physical';
import type { Layer } from '../state/layers';

type AnyProps = ConstructorParameters<typeof MultiscaleImageLayer>[0];

/**
 * One selections array per image, plane and visibility, the same object from
 * render to render. viv lists it in `updateTriggers.getTileData`, which deck.gl
 * compares by identity: a new array reloads every tile and aborts those in
 * flight (measured: the first frame's tile requests were cancelled and sent
 * again, 250–350 ms lost). Visibility is part of the key because hiding a layer
 * does not reach tiles already drawn unless they are reloaded (layers.e2e
 * checks the pixels).
 */
const selectionCache = new WeakMap<Layer['image'], { key: string; value: Record<string, number>[] }>();

function selectionsFor(image: Layer['image'], selection: Record<string, number>, visible: boolean) {
  const key = `${visible}:${JSON.stringify(selection)}`;
  const hit = selectionCache.get(image);
  if (hit?.key === key) return hit.value;
  const value = Array.from({ length: image.channelCount }, (_, c) =>
    image.channelAxis ? { ...selection, [image.channelAxis]: c } : { ...selection },
  );
  selectionCache.set(image, { key, value });
  return value;
}

export function buildLayers(args: {
  layers: Layer[];
  overlays: { model: LabelLayerModel; opacity: number }[];
  onTileError: (err: Error) => void;
  onViewportLoad: () => void;
}): DeckLayer[] {
  const { layers, overlays, onTileError, onViewportLoad } = args;
  const base = layers[0];
  const out: DeckLayer[] = layers.map((l) => {
    const { image } = l;
    const selections = selectionsFor(image, l.selection, l.visible);
    const props = {
      id: `image-${l.id}`,
      selections,
      colors: l.channels.map((c) => c.color),
      contrastLimits: l.channels.map((c) => c.limits),
      channelsVisible: l.channels.map((c) => c.visible),
      visible: l.visible,
      opacity: l.opacity,
      modelMatrix: base ? modelMatrixFor(image.frame, base.image.frame) : undefined,
      onTileError,
      onViewportLoad,
    };
    // Casts: viv's prop types are a JS-doc translation that does not model these unions precisely.
    return image.sources.length > 1
      ? new MultiscaleImageLayer({ ...props, loader: image.sources } as unknown as AnyProps)
      : new ImageLayer({ ...props, loader: image.sources[0] } as unknown as ConstructorParameters<
          typeof ImageLayer
        >[0]);
  }) as unknown as DeckLayer[];
  // Label overlays belong to the base layer, so they share its (identity) frame.
  for (const { model, opacity } of base ? overlays : []) {
    out.push(
      new MultiscaleImageLayer({
        id: `labels-${model.path}`,
        loader: model.sources,
        selections: [base.selection],
        contrastLimits: [[0, 255]],
        channelsVisible: [true],
        opacity,
        excludeBackground: true,
        // RGBA tiles are drawn as bitmaps; opacity < 1 needs tiles that do not overlap.
        refinementStrategy: 'no-overlap',
        onTileError,
      } as unknown as AnyProps) as unknown as DeckLayer,
    );
  }
  return out;
}

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
    const selections = Array.from({ length: image.channelCount }, (_, c) =>
      image.channelAxis ? { ...l.selection, [image.channelAxis]: c } : { ...l.selection },
    );
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

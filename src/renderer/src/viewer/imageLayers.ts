/**
 * deck.gl layers for the open layers and label overlays, in the base layer's level-0 pixels. Every layer is a
 * viv MultiscaleImageLayer (tiled at every level, even a single one: viv's ImageLayer would read a whole plane)
 * with no whole-level background, a capped number of tile requests in flight, and a budgeted tileset
 * (budgetTileset.ts). Only visible channels are handed to viv (it draws at most ten), so hidden channels cost
 * nothing. Layers after the first add their light to it, as channels do, instead of covering it.
 */
import type { Layer as DeckLayer } from '@deck.gl/core';
import type { _Tileset2D as Tileset2D } from '@deck.gl/geo-layers';
import { MultiscaleImageLayer } from '@hms-dbmi/viv';
import type { LabelLayerModel } from '../data/labelImages';
import { MAX_VISIBLE_CHANNELS } from '../data/openImage';
import { modelMatrixFor } from '../data/physical';
import type { Layer } from '../state/layers';
import { budgetTileset } from './budgetTileset';
import { labelTileLayer } from './labelTileLayer';

type AnyProps = ConstructorParameters<typeof MultiscaleImageLayer>[0];

/** Tiles loading at once per layer (each tile is one request per visible channel; the store caps fetches). */
const MAX_TILE_REQUESTS = 8;

/** Light adds up (deck.gl's default would let an upper layer cover the ones below). */
const ADDITIVE = {
  blend: true,
  blendColorOperation: 'add',
  blendColorSrcFactor: 'src-alpha',
  blendColorDstFactor: 'one',
  blendAlphaOperation: 'add',
  blendAlphaSrcFactor: 'one',
  blendAlphaDstFactor: 'one',
} as const;

/** What a tile layer reports to the viewer. */
export interface TileEvents {
  onTileError: (err: Error) => void;
  /** The tiles in view have loaded; `channels` maps each tile's data arrays to channel indices. */
  onViewportLoad: (layerId: string, tiles: LoadedTile[], channels: number[]) => void;
  /** How many tiles the view would need beyond the budget (0: within it). */
  onOverBudget: (layerId: string, needed: number) => void;
}

export interface LoadedTile {
  content: { data: ArrayLike<number>[] | ArrayLike<number>; width: number; height: number } | null;
  index: { x: number; y: number; z: number };
}

/** The visible channels viv is given, in order, at most MAX_VISIBLE_CHANNELS. */
export function drawnChannels(layer: Layer): number[] {
  const out: number[] = [];
  layer.channels.forEach((c, i) => {
    if (c.visible && out.length < MAX_VISIBLE_CHANNELS) out.push(i);
  });
  return out;
}

/**
 * Whether a layer is waiting for a window from its data (a drawn channel still 'none'). Such a channel's
 * tiles load but it is not drawn until its window comes (from those tiles), so the first frame the user
 * sees has its contrast, not the dtype's range; the layer's other channels stay drawn meanwhile.
 */
export function awaitingWindow(layer: Layer): boolean {
  return drawnChannels(layer).some((c) => layer.channels[c].limitsFrom === 'none');
}

/**
 * One selections array per image, plane and set of drawn channels, the same object from render to render:
 * viv lists it in `updateTriggers.getTileData`, which deck.gl compares by identity, and a new array reloads
 * every tile and aborts those in flight.
 */
const selectionCache = new WeakMap<object, { key: string; value: Record<string, number>[] }>();

function selectionsFor(
  owner: object,
  channelAxis: string | undefined,
  selection: Record<string, number>,
  drawn: number[],
) {
  const key = `${drawn.join(',')}|${JSON.stringify(selection)}`;
  const hit = selectionCache.get(owner);
  if (hit?.key === key) return hit.value;
  const value = channelAxis ? drawn.map((c) => ({ ...selection, [channelAxis]: c })) : [{ ...selection }];
  selectionCache.set(owner, { key, value });
  return value;
}

/** The selection of each drawn channel of a layer, as its tiles read them. */
export function selectionsOf(layer: Layer, drawn: number[]): Record<string, number>[] {
  return selectionsFor(layer.image, layer.image.channelAxis, layer.selection, drawn);
}

/** One tileset class per deck layer id, so deck.gl sees the same class on every render. */
const tilesets = new Map<string, typeof Tileset2D>();

function tilesetFor(id: string, events: TileEvents): typeof Tileset2D {
  let cls = tilesets.get(id);
  if (!cls) {
    cls = budgetTileset((needed) => events.onOverBudget(id, needed));
    tilesets.set(id, cls);
  }
  return cls;
}

function common(id: string, events: TileEvents, channels: number[]) {
  return {
    id,
    excludeBackground: true,
    maxRequests: MAX_TILE_REQUESTS,
    TilesetClass: tilesetFor(id, events),
    onTileError: events.onTileError,
    onViewportLoad: (tiles: LoadedTile[]) => events.onViewportLoad(id, tiles, channels),
  };
}

export function buildLayers(args: {
  layers: Layer[];
  overlays: { model: LabelLayerModel; opacity: number }[];
  events: TileEvents;
}): DeckLayer[] {
  const { layers, overlays, events } = args;
  const base = layers[0];
  const out: DeckLayer[] = [];
  layers.forEach((l, index) => {
    const { image } = l;
    const modelMatrix = base ? modelMatrixFor(image.frame, base.image.frame) : undefined;
    const id = `image-${l.id}`;
    if (image.labelSources) {
      out.push(
        labelTileLayer({
          id,
          sources: image.labelSources,
          selection: l.selection,
          opacity: l.opacity,
          visible: l.visible,
          modelMatrix,
          TilesetClass: tilesetFor(id, events),
          events,
        }),
      );
      return;
    }
    const drawn = drawnChannels(l);
    if (drawn.length === 0) return;
    out.push(
      new MultiscaleImageLayer({
        ...common(id, events, drawn),
        loader: image.sources,
        selections: selectionsFor(image, image.channelAxis, l.selection, drawn),
        colors: drawn.map((c) => l.channels[c].color),
        contrastLimits: drawn.map((c) => l.channels[c].limits),
        // A channel waiting for its window loads its tiles but is not drawn yet (see awaitingWindow).
        channelsVisible: drawn.map((c) => l.channels[c].limitsFrom !== 'none'),
        visible: l.visible,
        opacity: l.opacity,
        modelMatrix,
        // Layers after the first add their light; their tiles must not overlap while refining (they would add twice).
        ...(index > 0 ? { parameters: ADDITIVE, refinementStrategy: 'no-overlap' } : {}),
      } as unknown as AnyProps) as unknown as DeckLayer,
    );
  });
  // Label overlays belong to the base layer; their own frame places them (labels may be coarser than the image).
  for (const { model, opacity } of base ? overlays : []) {
    const id = `labels-${model.path}`;
    out.push(
      labelTileLayer({
        id,
        sources: model.sources,
        selection: base.selection,
        opacity,
        visible: true,
        modelMatrix: modelMatrixFor(model.frame, base.image.frame),
        TilesetClass: tilesetFor(id, events),
        events,
      }),
    );
  }
  return out;
}

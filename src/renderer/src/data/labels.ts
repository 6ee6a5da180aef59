/**
 * OME label images as RGBA overlays. Label values are turned into colours on the CPU (image-label
 * `colors`, else a hashed palette; 0 is transparent) and handed to viv as an interleaved RGBA source,
 * which viv draws with its bitmap layer: no custom shader, so no second deck.gl copy is needed.
 */
import type { PixelData, PixelSource, SupportedDtype, TileSelection } from '@vivjs/types';
import type { CatalogNode, ImageLabelColor } from '../../../shared/catalog';
import { fetchCatalog } from './catalogClient';
import { openPyramid } from './openImage';
import type { Selection, ZarrPixelSource } from './pixelSource';

type Rgba = [number, number, number, number];

export interface LabelLayerModel {
  name: string;
  path: string;
  sources: LabelPixelSource[];
}

/** Deterministic, well-spread colour for labels without an explicit one. */
function hashColor(v: number): Rgba {
  const h = ((v * 2654435761) >>> 0) / 2 ** 32;
  const [r, g, b] = [0, 1 / 3, 2 / 3].map((o) => Math.round(127 + 127 * Math.cos(2 * Math.PI * (h + o))));
  return [r, g, b, 255];
}

export class LabelPixelSource implements PixelSource<string[]> {
  readonly shape: number[];
  readonly dtype: SupportedDtype = 'Uint8';
  readonly labels: string[] & ['y', 'x', '_c'];
  readonly tileSize: number;
  // viv's bitmap path reads the photometric interpretation from meta; 2 = RGB(A).
  readonly meta = { photometricInterpretation: 2 };
  onTileError: (err: Error) => void = (err) => console.error(err);

  constructor(
    private readonly raw: ZarrPixelSource,
    private readonly colors: Map<number, Rgba>,
  ) {
    this.shape = [...raw.shape, 4];
    this.labels = [...raw.labels, '_c'] as string[] & ['y', 'x', '_c'];
    this.tileSize = raw.tileSize;
  }

  private colorize(px: PixelData): PixelData {
    const out = new Uint8Array(px.width * px.height * 4);
    for (let i = 0; i < px.data.length; i++) {
      const v = Number(px.data[i]);
      if (v === 0) continue;
      let c = this.colors.get(v);
      if (!c) {
        c = hashColor(v);
        this.colors.set(v, c);
      }
      out.set(c, i * 4);
    }
    return { data: out, width: px.width, height: px.height };
  }

  async getTile(sel: TileSelection<string[]>): Promise<PixelData> {
    return this.colorize(await this.raw.getTile(sel));
  }

  async getRaster(sel: { selection: Selection; signal?: AbortSignal }): Promise<PixelData> {
    return this.colorize(await this.raw.getRaster(sel));
  }
}

function colorTable(colors: ImageLabelColor[] | undefined): Map<number, Rgba> {
  const table = new Map<number, Rgba>();
  for (const c of colors ?? []) {
    if (c.rgba) table.set(c['label-value'], [c.rgba[0], c.rgba[1], c.rgba[2], c.rgba[3] ?? 255]);
  }
  return table;
}

/** Names and catalog paths of an image's label images (from its `labels` child). */
export async function listLabels(image: CatalogNode, signal?: AbortSignal): Promise<{ name: string; path: string }[]> {
  const group = image.children?.find((c) => c.kind === 'labels');
  if (!group) return [];
  const node = await fetchCatalog(group.path, signal);
  const names = node.ome?.labels ?? node.children?.map((c) => c.name) ?? [];
  return names.map((name) => ({ name, path: `${group.path}/${name}` }));
}

export async function openLabels(path: string, signal?: AbortSignal): Promise<LabelLayerModel> {
  const node = await fetchCatalog(path, signal);
  const { sources } = await openPyramid(node, signal);
  const table = colorTable(node.ome?.imageLabel?.colors);
  return { name: node.name, path, sources: sources.map((s) => new LabelPixelSource(s, table)) };
}

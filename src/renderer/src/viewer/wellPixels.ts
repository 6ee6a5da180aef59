/**
 * One well of a plate as the grid shows it: the image of the chosen field (and acquisition), its lowest
 * level read once per channel, and painted with whatever window the grid's contrast says.
 */
import { fetchCatalog } from '../data/catalogClient';
import type { ChannelState, ImageModel } from '../data/imageModel';
import { openImage } from '../data/openImage';

/** The path of a well's image for a field (0-based) of an acquisition (undefined: any), or undefined. */
export async function wellImagePath(
  wellPath: string,
  field: number,
  acquisition: number | undefined,
  signal: AbortSignal,
): Promise<string | undefined> {
  const well = await fetchCatalog(wellPath, signal);
  const listed =
    well.ome?.well?.images ?? well.children?.filter((c) => c.kind === 'image').map((c) => ({ path: c.name }));
  const images = (listed ?? []).filter(
    (im) => acquisition === undefined || !('acquisition' in im) || im.acquisition === acquisition,
  );
  const chosen = images[field]?.path;
  return chosen === undefined ? undefined : `${wellPath}/${chosen}`;
}

export interface WellPixels {
  image: ImageModel;
  width: number;
  height: number;
  /** Per channel, the lowest level's values at the default plane; undefined for channels off by default. */
  rasters: (ArrayLike<number | bigint> | undefined)[];
}

export async function readWellPixels(path: string, signal: AbortSignal): Promise<WellPixels> {
  const image = await openImage(await fetchCatalog(path, signal), signal);
  const lowest = image.sources[image.sources.length - 1];
  const [height, width] = lowest.shape.slice(-2);
  const rasters = await Promise.all(
    image.defaultChannels.map(async (ch, c) => {
      if (!ch.visible) return undefined;
      const selection = image.channelAxis
        ? { ...image.defaultSelection, [image.channelAxis]: c }
        : image.defaultSelection;
      return (await lowest.getRaster({ selection, signal })).data as ArrayLike<number | bigint>;
    }),
  );
  return { image, width, height, rasters };
}

/** Additive composite of the visible channels, each scaled by its window and tinted by its colour. */
export function compositeWell(pixels: WellPixels, channels: ChannelState[]): ImageData {
  const { width, height, rasters } = pixels;
  const n = width * height;
  const rgb = new Float32Array(n * 3);
  rasters.forEach((data, c) => {
    const ch = channels[c] ?? pixels.image.defaultChannels[c];
    if (!data || !ch?.visible) return;
    const [lo, hi] = ch.limits;
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < n; i++) {
      const f = Math.max(0, Math.min(1, (Number(data[i]) - lo) / span));
      rgb[i * 3] += f * ch.color[0];
      rgb[i * 3 + 1] += f * ch.color[1];
      rgb[i * 3 + 2] += f * ch.color[2];
    }
  });
  const out = new ImageData(width, height);
  for (let i = 0; i < n; i++) {
    out.data[i * 4] = Math.min(255, rgb[i * 3]);
    out.data[i * 4 + 1] = Math.min(255, rgb[i * 3 + 1]);
    out.data[i * 4 + 2] = Math.min(255, rgb[i * 3 + 2]);
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

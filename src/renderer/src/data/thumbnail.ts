/**
 * A small RGBA composite of an image's coarsest level (the overview, plate wells), with given channel settings.
 * Bounded: at most MAX_THUMBNAIL_CHUNKS chunks in all (the coarsest level's plane times the channels shown);
 * a pyramid too shallow for that has no thumbnail (ThumbnailUnavailable), rather than a whole level read.
 */
import type { ChannelState, ImageModel } from './imageModel';

export const MAX_THUMBNAIL_CHUNKS = 16;

export class ThumbnailUnavailable extends Error {
  readonly kind = 'ThumbnailUnavailable';
}

/** Chunks one plane of the coarsest level spans. */
export function thumbnailChunks(image: ImageModel): number {
  const { level } = image.sources[image.sources.length - 1];
  const [h, w] = level.shape.slice(-2);
  const [ch, cw] = level.chunks.slice(-2);
  return Math.ceil(h / ch) * Math.ceil(w / cw);
}

export async function renderThumbnail(
  image: ImageModel,
  signal?: AbortSignal,
  channels: ChannelState[] = image.defaultChannels,
  selection: Record<string, number> = image.defaultSelection,
): Promise<ImageData> {
  const shown = image.labelSources ? 1 : Math.max(1, channels.filter((c) => c.visible).length);
  const n = thumbnailChunks(image) * shown;
  if (n > MAX_THUMBNAIL_CHUNKS)
    throw new ThumbnailUnavailable(`it would read ${n} chunks of the coarsest level (at most ${MAX_THUMBNAIL_CHUNKS})`);
  const last = image.sources.length - 1;
  const [height, width] = image.sources[last].shape.slice(-2);
  const out = new ImageData(width, height);
  if (image.labelSources) {
    const px = await image.labelSources[last].getRaster({ selection, signal });
    out.data.set(px.data as Uint8Array);
    return out;
  }
  const lowest = image.sources[last];
  const rgb = new Float32Array(width * height * 3);
  // The visible channels are read at once, then composited in order.
  const rasters = await Promise.all(
    Array.from({ length: image.channelCount }, (_, c) =>
      channels[c]?.visible
        ? lowest.readRegion(
            image.channelAxis ? { ...selection, [image.channelAxis]: c } : selection,
            0,
            height,
            0,
            width,
            signal,
          )
        : undefined,
    ),
  );
  for (let c = 0; c < image.channelCount; c++) {
    const ch = channels[c];
    const raster = rasters[c];
    if (!ch?.visible || !raster) continue;
    const { data } = raster;
    const [lo, hi] = ch.limits;
    for (let i = 0; i < width * height; i++) {
      const f = Math.max(0, Math.min(1, (Number(data[i]) - lo) / (hi - lo)));
      for (let k = 0; k < 3; k++) rgb[i * 3 + k] += f * ch.color[k];
    }
  }
  for (let i = 0; i < width * height; i++) {
    out.data[i * 4] = Math.min(255, rgb[i * 3]);
    out.data[i * 4 + 1] = Math.min(255, rgb[i * 3 + 1]);
    out.data[i * 4 + 2] = Math.min(255, rgb[i * 3 + 2]);
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

/** A small RGBA composite of an image's lowest level (plate wells, the overview), with given channel settings. */
import type { ChannelState, ImageModel } from './imageModel';

export async function renderThumbnail(
  image: ImageModel,
  signal?: AbortSignal,
  channels: ChannelState[] = image.defaultChannels,
  selection: Record<string, number> = image.defaultSelection,
): Promise<ImageData> {
  const lowest = image.sources[image.sources.length - 1];
  const [height, width] = lowest.shape.slice(-2);
  const rgb = new Float32Array(width * height * 3);
  // The visible channels are read at once, then composited in order.
  const rasters = await Promise.all(
    Array.from({ length: image.channelCount }, (_, c) =>
      channels[c]?.visible
        ? lowest.getRaster({
            selection: image.channelAxis ? { ...selection, [image.channelAxis]: c } : selection,
            signal,
          })
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
  const out = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    out.data.set([Math.min(255, rgb[i * 3]), Math.min(255, rgb[i * 3 + 1]), Math.min(255, rgb[i * 3 + 2]), 255], i * 4);
  }
  return out;
}

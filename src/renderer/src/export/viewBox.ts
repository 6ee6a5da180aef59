/**
 * The box of level-0 voxels the view shows (x and y; every other axis whole),
 * from deck.gl's orthographic view: `target` is the centre in level-0 pixels
 * and one pixel is 2^zoom screen pixels.
 */
export function viewRegion(
  axes: { name: string; size: number }[],
  view: { target: [number, number] | number[]; zoom: number },
  stage: { width: number; height: number },
): Record<string, [number, number]> | undefined {
  const x = axes.at(-1);
  const y = axes.at(-2);
  if (!x || !y) return undefined;
  const scale = 2 ** view.zoom;
  const halfW = stage.width / scale / 2;
  const halfH = stage.height / scale / 2;
  const clip = (v: number, size: number) => Math.min(size, Math.max(0, v));
  const x0 = clip(Math.floor(view.target[0] - halfW), x.size);
  const x1 = clip(Math.ceil(view.target[0] + halfW), x.size);
  const y0 = clip(Math.floor(view.target[1] - halfH), y.size);
  const y1 = clip(Math.ceil(view.target[1] + halfH), y.size);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { [x.name]: [x0, x1], [y.name]: [y0, y1] };
}

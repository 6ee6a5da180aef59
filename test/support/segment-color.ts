/**
 * Neuroglancer's default segment colour (SegmentColorHash with seed 0), written for the tests from its
 * algorithm: murmur3 hashCombine(seed, low 32 bits) then (…, high 32 bits); hue = byte 0 / 255,
 * saturation = 0.5 + 0.5 · byte 1 / 255, value 1; HSV → RGB; channels × 255 rounded.
 */
function combine(state: number, value: number): number {
  let k = Math.imul(value >>> 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = (state ^ k) >>> 0;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0;
}

export function neuroglancerColor(id: bigint): [number, number, number] {
  const h = combine(combine(0, Number(id & 0xffffffffn)), Number(id >> 32n));
  const hue = (h & 0xff) / 255;
  const sat = 0.5 + (0.5 * ((h >>> 8) & 0xff)) / 255;
  const sector = Math.floor(hue * 6);
  const f = hue * 6 - sector;
  const [p, q, t] = [1 - sat, 1 - sat * f, 1 - sat * (1 - f)];
  const rgb = [
    [1, t, p],
    [q, 1, p],
    [p, 1, t],
    [p, q, 1],
    [t, p, 1],
    [1, p, q],
  ][sector % 6];
  return rgb.map((v) => Math.round(v * 255)) as [number, number, number];
}

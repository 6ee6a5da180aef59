/**
 * JPEG's YCbCr to RGB (ITU-R BT.601, full range), as libjpeg converts: JPEG
 * decoders hand back the components as stored.
 */
export function ycbcrToRgb(src: Uint8Array): Uint8Array {
  const out = new Uint8ClampedArray(src.length);
  for (let i = 0; i + 2 < src.length; i += 3) {
    const y = src[i]!;
    const cb = src[i + 1]! - 128;
    const cr = src[i + 2]! - 128;
    out[i] = y + 1.402 * cr;
    out[i + 1] = y - 0.344136 * cb - 0.714136 * cr;
    out[i + 2] = y + 1.772 * cb;
  }
  return new Uint8Array(out.buffer);
}

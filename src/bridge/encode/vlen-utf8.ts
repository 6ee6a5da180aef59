/**
 * numcodecs' `vlen-utf8` (also Zarr v3's `vlen-utf8` codec): a little-endian
 * u32 item count, then for each item a u32 byte length and its UTF-8 bytes.
 */
export function encodeVlenUtf8(strings: readonly string[]): Uint8Array {
  const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
  const out = Buffer.alloc(4 + encoded.reduce((n, b) => n + 4 + b.length, 0));
  out.writeUInt32LE(strings.length, 0);
  let o = 4;
  for (const b of encoded) {
    out.writeUInt32LE(b.length, o);
    b.copy(out, o + 4);
    o += 4 + b.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

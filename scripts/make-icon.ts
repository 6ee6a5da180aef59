/**
 * Writes resources/icon.png (512×512), the app icon electron-builder turns
 * into .icns/.ico: a 4×4 grid of chunks in the viewer's channel colours,
 * spanned by a bridge arc. `npx tsx scripts/make-icon.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const N = 512;
const px = new Uint8Array(N * N * 4);
const COLORS = [
  [0, 200, 230],
  [230, 0, 200],
  [240, 220, 0],
  [40, 40, 48],
];

for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const i = (y * N + x) * 4;
    // Rounded square background.
    const cx = Math.max(0, Math.abs(x - 255.5) - 200);
    const cy = Math.max(0, Math.abs(y - 255.5) - 200);
    if (Math.hypot(cx, cy) > 52) continue;
    let c = [24, 26, 32];
    const gx = Math.floor((x - 96) / 82);
    const gy = Math.floor((y - 170) / 82);
    const inCell = (x - 96) % 82 < 74 && (y - 170) % 82 < 74;
    if (gx >= 0 && gx < 4 && gy >= 0 && gy < 4 && inCell) c = COLORS[(gx + gy * 3) % 4];
    // The bridge: an arc across the top of the grid.
    const r = Math.hypot(x - 256, (y - 330) * 1.15);
    if (r > 232 && r < 252 && y < 330) c = [255, 255, 255];
    px.set([...c, 255], i);
  }
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) raw.set(px.subarray(y * N * 4, (y + 1) * N * 4), y * (N * 4 + 1) + 1);
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr.set([8, 6, 0, 0, 0], 8);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', new Uint8Array(0)),
]);
writeFileSync(fileURLToPath(new URL('../resources/icon.png', import.meta.url)), png);
console.log(`wrote resources/icon.png (${png.length} bytes)`);

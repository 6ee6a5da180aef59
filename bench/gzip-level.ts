/**
 * Which gzip level the faces use: compression speed and ratio of real
 * decoded chunks (the demo image and a benchmark volume) at levels 1, 3, 6, 9.
 * On loopback the link is free and the CPU is not: speed wins unless a
 * higher level saves much more than it costs.
 */
import { gzipSync } from 'node:zlib';
import { Catalog } from '../src/bridge/catalog/catalog.js';
import type { ArrayNode } from '../src/bridge/model/node.js';
import { mountLocalFolder } from '../src/bridge/sources/local/local-source.js';

export async function gzipLevelBench(folders: { name: string; path: string; level: string }[]) {
  const rows = [];
  for (const f of folders) {
    const catalog = new Catalog();
    const mount = await mountLocalFolder(catalog, f.path);
    const node = (await catalog.resolve(`${mount.path}/${f.level}`, {})) as ArrayNode;
    const chunks: Uint8Array[] = [];
    const counts = node.meta.shape.map((s, i) => Math.ceil(s / node.meta.chunkShape[i]));
    for (
      let i = 0;
      i <
      Math.min(
        16,
        counts.reduce((a, b) => a * b, 1),
      );
      i++
    ) {
      const coords = counts.map(() => 0);
      let r = i;
      for (let d = counts.length - 1; d >= 0; d--) {
        coords[d] = r % counts[d];
        r = Math.floor(r / counts[d]);
      }
      chunks.push((await node.readChunk(coords, {})).bytes);
    }
    await catalog.close();
    const raw = chunks.reduce((a, c) => a + c.byteLength, 0);
    for (const level of [1, 3, 6, 9]) {
      const t = performance.now();
      let out = 0;
      for (const c of chunks) out += gzipSync(c, { level }).byteLength;
      const s = (performance.now() - t) / 1000;
      rows.push({ data: f.name, level, 'MB/s (1 core)': raw / 2 ** 20 / s, 'compressed ÷ raw': out / raw });
    }
  }
  return rows;
}

/**
 * Benchmark volumes, written once into a temp folder with the project's own
 * Zarr v3 writer: a plain gzip-chunked array (for pass-through serving) and a
 * sharded one (for transcoding), both OME-Zarr 0.5 images.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArray, writeGroup } from '../scripts/lib/zarr-v3-writer.js';

export const BENCH_DIR = join(tmpdir(), 'zarr-bridge-bench');

/** Smooth but not constant, so gzip has real work. */
const fill = (data: Uint8Array | Uint16Array | Uint32Array, o: number[], s: number[]) => {
  let i = 0;
  const [C, Y, X] = [s[0], s[s.length - 2], s[s.length - 1]];
  for (let c = 0; c < C; c++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        const gy = o[o.length - 2] + y;
        const gx = o[o.length - 1] + x;
        data[i++] = (((gx * 7 + gy * 13 + (o[0] + c) * 1000) ^ ((gx * gy) >> 6)) & 0xfff) + 1000;
      }
};

function image(
  dir: string,
  size: number,
  levels: number,
  spec: (k: number, n: number) => { chunks: number[]; shards?: number[] },
  channels: number,
) {
  if (existsSync(join(dir, 'zarr.json'))) return dir;
  const axes = [
    { name: 'c', type: 'channel' },
    { name: 'y', type: 'space', unit: 'micrometer' },
    { name: 'x', type: 'space', unit: 'micrometer' },
  ];
  for (let k = 0; k < levels; k++) {
    const n = size >> k;
    writeArray(
      join(dir, String(k)),
      { shape: [channels, n, n], dtype: 'uint16', dimensionNames: ['c', 'y', 'x'], gzipLevel: 1, ...spec(k, n) },
      fill,
    );
  }
  writeGroup(dir, {
    ome: {
      version: '0.5',
      multiscales: [
        {
          axes,
          datasets: Array.from({ length: levels }, (_, k) => ({
            path: String(k),
            coordinateTransformations: [{ type: 'scale', scale: [1, 2 ** k, 2 ** k] }],
          })),
        },
      ],
    },
  });
  return dir;
}

/** 1 channel, 4096², 256² gzip chunks: 256 files of ~60 KiB at level 0. */
export const chunkedImage = () =>
  image(join(BENCH_DIR, 'chunked.ome.zarr'), 4096, 1, () => ({ chunks: [1, 256, 256] }), 1);

/** 1 channel, 8192², 256² gzip chunks: 1024 files, about twice the hot-object cache, so reads stay cold. */
export const largeChunkedImage = () =>
  image(join(BENCH_DIR, 'chunked-8192.ome.zarr'), 8192, 1, () => ({ chunks: [1, 256, 256] }), 1);

/** 1 channel, 4096², shards of 1024² holding 256² inner chunks. */
export const shardedImage = () =>
  image(join(BENCH_DIR, 'sharded.ome.zarr'), 4096, 1, () => ({ chunks: [1, 256, 256], shards: [1, 1024, 1024] }), 1);

/** The viewer benchmark's volume: 4 channels, 8192², 5 levels, sharded. */
export const viewerImage = () =>
  image(
    join(BENCH_DIR, 'viewer-4ch-8192.ome.zarr'),
    8192,
    5,
    (_k, n) => ({ chunks: [1, Math.min(512, n), Math.min(512, n)], shards: [1, Math.min(2048, n), Math.min(2048, n)] }),
    4,
  );

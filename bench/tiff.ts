/**
 * TIFF as a source: chunk reads from a tiled TIFF (uint16, 256² tiles,
 * Deflate, written by tifffile) next to the same chunks served from an
 * OME-Zarr copy (256² chunks, gzip, the project's v3 writer), over HTTP at
 * 16 connections, the bridge at its defaults. Warm: 4096² (256 chunks), which
 * the caches hold after the first round. Cold: 8192² (1024 chunks, requested
 * round-robin), twice what the decoded-chunk and hot-object caches hold, so
 * every TIFF request reads and inflates its tile and every copy chunk is read
 * from its file. On /zarr/v3 the copy's chunks pass through as stored; on /n5
 * both are decoded and re-encoded, the like-for-like path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeArray, writeGroup } from '../scripts/lib/zarr-v3-writer.js';
import { BENCH_DIR } from './dataset.js';
import { runPool } from './pool.js';
import { measure, median, spawnBridge } from './serving.js';

const TILE = 256;
const CHUNK_BYTES = TILE * TILE * 2;

/** The same values in both copies: smooth, with detail, so Deflate has real work. */
const value = (y: number, x: number) => (((x * 7 + y * 13) ^ ((x * y) >> 6)) & 0xfff) + 1000;

/** Writes (once) the OME-Zarr copy and the TIFF of a SIZE² image; undefined when tifffile is missing. */
function dataset(SIZE: number): { tiff: string; zarr: string } | undefined {
  const dir = join(BENCH_DIR, 'tiff');
  const tiff = join(dir, `tiled-${SIZE}.tif`);
  const zarr = join(dir, `tiled-${SIZE}.ome.zarr`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(zarr, 'zarr.json'))) {
    writeArray(
      join(zarr, '0'),
      { shape: [SIZE, SIZE], dtype: 'uint16', dimensionNames: ['y', 'x'], gzipLevel: 1, chunks: [TILE, TILE] },
      (data, o, s) => {
        let i = 0;
        for (let y = 0; y < s[0]!; y++) for (let x = 0; x < s[1]!; x++) data[i++] = value(o[0]! + y, o[1]! + x);
      },
    );
    writeGroup(zarr, {
      ome: {
        version: '0.5',
        multiscales: [
          {
            axes: [
              { name: 'y', type: 'space' },
              { name: 'x', type: 'space' },
            ],
            datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [1, 1] }] }],
          },
        ],
      },
    });
  }
  if (!existsSync(tiff)) {
    const raw = join(dir, `values-${SIZE}.u16`);
    const all = new Uint16Array(SIZE * SIZE);
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) all[y * SIZE + x] = value(y, x);
    writeFileSync(raw, all);
    const py = `import numpy as np, tifffile
a = np.fromfile(${JSON.stringify(raw)}, '<u2').reshape(${SIZE}, ${SIZE})
tifffile.imwrite(${JSON.stringify(tiff)}, a, tile=(${TILE}, ${TILE}), compression=('zlib', 1))`;
    const run = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
    rmSync(raw, { force: true });
    if (run.status !== 0) {
      console.log(`tifffile could not write the TIFF (apt-get install python3-tifffile): ${run.stderr.slice(-300)}\n`);
      return undefined;
    }
  }
  return { tiff, zarr };
}

export interface TiffBenchRow {
  case: string;
  tiffReqPerSec: number;
  zarrReqPerSec: number;
  ratio: number;
  ratioRange: [number, number];
}

const FACES = [
  { face: '/zarr/v3', path: (mount: string, y: number, x: number) => `/zarr/v3/local/${mount}/0/c/${y}/${x}` },
  { face: '/n5', path: (mount: string, y: number, x: number) => `/n5/local/${mount}/s0/${x}/${y}` },
];

/**
 * Warm (4096²) and cold (8192²) on both faces, `rounds` interleaved rounds of
 * `seconds` each; medians, and the spread of the per-round ratios.
 */
export async function tiffBench(seconds = 4, rounds = 3): Promise<TiffBenchRow[] | undefined> {
  const sets = [
    { name: 'warm 4096²', size: 4096 },
    { name: 'cold 8192²', size: 8192 },
  ];
  const data = sets.map((s) => ({ ...s, files: dataset(s.size) }));
  if (data.some((d) => !d.files)) return undefined;
  const bridge = await spawnBridge(data.flatMap((d) => ['--open', d.files!.tiff, '--open', d.files!.zarr]));
  const runs = new Map<string, { tiff: number; zarr: number }[]>();
  const paths = (size: number, mount: string, path: (m: string, y: number, x: number) => string) => {
    const out: string[] = [];
    for (let y = 0; y < size / TILE; y++) for (let x = 0; x < size / TILE; x++) out.push(path(mount, y, x));
    return out;
  };
  try {
    // One pass over every chunk first, so the warm case starts warm.
    for (const d of data) {
      for (const mount of [`tiled-${d.size}.tif`, `tiled-${d.size}.ome.zarr`]) {
        const all = paths(d.size, mount, FACES[0]!.path);
        await runPool(
          all.map((p) => async () => void (await (await fetch(bridge.url + p)).arrayBuffer())),
          8,
        );
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const d of data) {
        for (const f of FACES) {
          const tiff = await measure('tiff', bridge.url, paths(d.size, `tiled-${d.size}.tif`, f.path), 16, seconds);
          const zarr = await measure(
            'zarr',
            bridge.url,
            paths(d.size, `tiled-${d.size}.ome.zarr`, f.path),
            16,
            seconds,
          );
          const key = `${d.name}, ${f.face}`;
          runs.set(key, [...(runs.get(key) ?? []), { tiff: tiff.reqPerSec, zarr: zarr.reqPerSec }]);
        }
      }
    }
  } finally {
    await bridge.close();
  }
  return [...runs].map(([key, r]) => {
    const ratios = r.map((x) => x.tiff / x.zarr);
    return {
      case: key,
      tiffReqPerSec: median(r.map((x) => x.tiff)),
      zarrReqPerSec: median(r.map((x) => x.zarr)),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)] as [number, number],
    };
  });
}

export const TIFF_CHUNK_BYTES = CHUNK_BYTES;

/**
 * TIFF as a source: chunk reads from a tiled TIFF (uint16, 256² tiles,
 * Deflate, written by tifffile) next to the same chunks served from an
 * OME-Zarr copy, over HTTP at 16 connections, the bridge at its defaults.
 * On /zarr/v3 the copy is OME-Zarr 0.5 (256² gzip chunks, the project's v3
 * writer) and on /zarr/v2 OME-Zarr 0.4 (256² gzip chunks, zarr-python 2.13):
 * each passes through as stored, as a converted copy would be served. On /n5
 * both are decoded and re-encoded, the like-for-like path.
 * Warm: 4096² (256 chunks), every chunk fetched once before each measurement
 * (the cold cases in between push it out of the caches). Cold: 8192² (1024
 * chunks, requested round-robin), twice what the decoded-chunk and
 * hot-object caches hold, so every TIFF request reads its tile (and inflates
 * it, where it is transcoded) and every copy chunk is read from its file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeArray, writeGroup } from '../scripts/lib/zarr-v3-writer.js';
import { BENCH_DIR } from './dataset.js';
import { runPool } from './pool.js';
import { measure, median, spawnBridge } from './serving.js';

const TILE = 256;
const CHUNK_BYTES = TILE * TILE * 2;

/** The same values in both copies: smooth, with detail, so Deflate has real work. */
const value = (y: number, x: number) => (((x * 7 + y * 13) ^ ((x * y) >> 6)) & 0xfff) + 1000;

interface Files {
  tiff: string;
  /** OME-Zarr 0.5 (Zarr v3). */
  zarr: string;
  /** OME-Zarr 0.4 (Zarr v2). */
  zarr2: string;
}

/** Writes (once) the OME-Zarr copies and the TIFF of a SIZE² image; undefined when tifffile is missing. */
function dataset(SIZE: number): Files | undefined {
  const dir = join(BENCH_DIR, 'tiff');
  const tiff = join(dir, `tiled-${SIZE}.tif`);
  const zarr = join(dir, `tiled-${SIZE}.ome.zarr`);
  const zarr2 = join(dir, `tiled-${SIZE}-v04.ome.zarr`);
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
  if (!existsSync(join(zarr2, '.zattrs'))) {
    // zarr-python 2.13 writes the 0.4 copy from the TIFF's own values.
    const py = `import tifffile, zarr, numcodecs
a = tifffile.imread(${JSON.stringify(tiff)})
g = zarr.open_group(zarr.DirectoryStore(${JSON.stringify(zarr2)}), mode='w')
g.create_dataset('0', data=a, chunks=(${TILE}, ${TILE}), compressor=numcodecs.GZip(1), dimension_separator='/')
g.attrs['multiscales'] = [{'version': '0.4', 'axes': [{'name': 'y', 'type': 'space'}, {'name': 'x', 'type': 'space'}],
  'datasets': [{'path': '0', 'coordinateTransformations': [{'type': 'scale', 'scale': [1, 1]}]}]}]`;
    const run = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
    if (run.status !== 0) {
      console.log(
        `zarr-python could not write the 0.4 copy (apt-get install python3-zarr): ${run.stderr.slice(-300)}\n`,
      );
      return undefined;
    }
  }
  return { tiff, zarr, zarr2 };
}

interface Measured {
  reqPerSec: number;
  /** The bridge's CPU time (user + system) per request, µs: what a loaded machine changes least. */
  cpuMicros: number;
}

/** CPU seconds used so far by process `pid` (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export interface TiffBenchRow {
  case: string;
  /** What the TIFF is compared against on this face. */
  copy: string;
  tiffReqPerSec: number;
  zarrReqPerSec: number;
  ratio: number;
  ratioRange: [number, number];
  /** Copy's CPU per request ÷ the TIFF's: above 1, a TIFF request costs the bridge less. */
  cpuRatio: number;
  tiffCpuMicros: number;
  zarrCpuMicros: number;
}

/** Each face with the copy it is compared against: the one a converted image would be served from. */
const FACES = [
  {
    face: '/zarr/v3',
    copy: 'OME-Zarr 0.5, as stored',
    mount: (f: Files) => f.zarr,
    path: (mount: string, y: number, x: number) => `/zarr/v3/local/${mount}/0/c/${y}/${x}`,
  },
  {
    face: '/zarr/v2',
    copy: 'OME-Zarr 0.4, as stored',
    mount: (f: Files) => f.zarr2,
    path: (mount: string, y: number, x: number) => `/zarr/v2/local/${mount}/0/${y}/${x}`,
  },
  {
    face: '/n5',
    copy: 'OME-Zarr 0.5, transcoded',
    mount: (f: Files) => f.zarr,
    path: (mount: string, y: number, x: number) => `/n5/local/${mount}/s0/${x}/${y}`,
  },
];

/**
 * Warm (4096²) and cold (8192²) on each face, `rounds` interleaved rounds of
 * `seconds` each; medians, and the spread of the per-round ratios.
 */
export async function tiffBench(seconds = 4, rounds = 3): Promise<TiffBenchRow[] | undefined> {
  const sets = [
    { name: 'warm 4096²', size: 4096, warm: true },
    { name: 'cold 8192²', size: 8192, warm: false },
  ];
  const data = sets.map((s) => ({ ...s, files: dataset(s.size) }));
  if (data.some((d) => !d.files)) return undefined;
  const bridge = await spawnBridge(
    data.flatMap((d) => ['--open', d.files!.tiff, '--open', d.files!.zarr, '--open', d.files!.zarr2]),
  );
  const runs = new Map<string, { tiff: Measured; zarr: Measured }[]>();
  const paths = (size: number, mount: string, path: (m: string, y: number, x: number) => string) => {
    const out: string[] = [];
    for (let y = 0; y < size / TILE; y++) for (let x = 0; x < size / TILE; x++) out.push(path(mount, y, x));
    return out;
  };
  const fetchAll = (all: string[]) =>
    runPool(
      all.map((p) => async () => {
        const res = await fetch(bridge.url + p);
        if (!res.ok) throw new Error(`${p}: ${res.status}`);
        await res.arrayBuffer();
      }),
      8,
    );
  const measured = async (name: string, all: string[], warm: boolean) => {
    if (warm) await fetchAll(all);
    const cpu = cpuSeconds(bridge.pid);
    const row = await measure(name, bridge.url, all, 16, seconds);
    const used = cpuSeconds(bridge.pid) - cpu;
    return { reqPerSec: row.reqPerSec, cpuMicros: (used * 1e6) / (row.reqPerSec * seconds) };
  };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const d of data) {
        for (const f of FACES) {
          const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);
          const tiff = await measured('tiff', paths(d.size, name(d.files!.tiff), f.path), d.warm);
          const zarr = await measured('zarr', paths(d.size, name(f.mount(d.files!)), f.path), d.warm);
          const key = `${d.name}, ${f.face}`;
          runs.set(key, [...(runs.get(key) ?? []), { tiff, zarr }]);
        }
      }
    }
  } finally {
    await bridge.close();
  }
  return [...runs].map(([key, r]) => {
    const ratios = r.map((x) => x.tiff.reqPerSec / x.zarr.reqPerSec);
    return {
      case: key,
      copy: FACES.find((f) => key.endsWith(f.face))!.copy,
      tiffReqPerSec: median(r.map((x) => x.tiff.reqPerSec)),
      zarrReqPerSec: median(r.map((x) => x.zarr.reqPerSec)),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)] as [number, number],
      cpuRatio: median(r.map((x) => x.zarr.cpuMicros / x.tiff.cpuMicros)),
      tiffCpuMicros: median(r.map((x) => x.tiff.cpuMicros)),
      zarrCpuMicros: median(r.map((x) => x.zarr.cpuMicros)),
    };
  });
}

export const TIFF_CHUNK_BYTES = CHUNK_BYTES;

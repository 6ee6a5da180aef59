/**
 * `zarr-bridge convert` MB/s (level-0 bytes ÷ wall time), side by side with
 * `@fideus-labs/ngff-zarr` doing the same conversion and with the bare codec
 * loop (every chunk of the same pyramid encoded with the same codec on the
 * same number of threads, no reading, downsampling or writing), plus peak RSS
 * against `--memory`. Two inputs: a TIFF stack (tifffile; converted from its
 * uncompressed OME-Zarr copy until the TIFF source lands) and a BossDB
 * region (the fixture server on loopback, no added latency).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../src/bridge/catalog/catalog.js';
import type { ArrayNode } from '../src/bridge/model/node.js';
import { createBossdbSource } from '../src/bridge/sources/bossdb/index.js';
import { BoxReader } from '../src/bridge/writer/box-reader.js';
import { codecSpec } from '../src/bridge/writer/codec.js';
import { downsample } from '../src/bridge/writer/downsample.js';
import type { CompressionName } from '../src/bridge/writer/options.js';
import { createChunkPool } from '../src/bridge/writer/worker-pool.js';
import { startBossdbFixture } from '../test/bossdb-fixture/index.js';
import { BENCH_DIR } from './dataset.js';
import { median } from './serving.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'out/main/cli.js');
const THREADS = 2;
const MEMORY_MB = 512;
/** ngff-zarr 0.14's bin-shrink fails from a factor of 8 on these volumes (32 planes): 3 levels for both. */
const LEVELS = 3;

interface Volume {
  name: string;
  /** Level-0 voxels as raw C-order bytes (for ngff-zarr and the codec loop). */
  raw: string;
  dtype: 'uint8' | 'uint16';
  shape: [number, number, number];
  /** `convert` arguments that read it. */
  input: string[];
}

interface Run {
  seconds: number;
  peakRssBytes: number;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${code} ${err.slice(-500)}`)),
    );
  });
}

async function ours(v: Volume, compression: CompressionName, out: string): Promise<Run & { levels: number }> {
  rmSync(out, { recursive: true, force: true });
  const started = performance.now();
  const text = await run(process.execPath, [
    CLI,
    'convert',
    ...v.input,
    '-o',
    out,
    '--compression',
    compression,
    '--threads',
    String(THREADS),
    '--memory',
    String(MEMORY_MB),
    '--levels',
    String(LEVELS),
    '--progress',
    'json',
  ]);
  const seconds = (performance.now() - started) / 1000;
  const done = JSON.parse(text.trim().split('\n').at(-1)!) as { levels: number; peakRssBytes: number };
  return { seconds, peakRssBytes: done.peakRssBytes, levels: done.levels };
}

async function ngffZarr(v: Volume, levels: number, out: string): Promise<Run> {
  rmSync(out, { recursive: true, force: true });
  const text = await run(process.execPath, [
    join(ROOT, 'bench/ngff-zarr/convert.mjs'),
    v.raw,
    v.dtype,
    ...v.shape.map(String),
    out,
    String(levels),
  ]);
  return JSON.parse(text.trim().split('\n').at(-1)!) as Run;
}

/** Every 64³ chunk of the pyramid (mean, factor 2, `levels` levels), made before the clock starts. */
function pyramidChunks(v: Volume, levels: number): { bytes: Uint8Array; shape: number[] }[] {
  const rawBytes: Uint8Array = new Uint8Array(readFileSync(v.raw));
  const chunks: { bytes: Uint8Array; shape: number[] }[] = [];
  let level: Uint8Array = rawBytes;
  let shape: number[] = [...v.shape];
  const bpe = v.dtype === 'uint16' ? 2 : 1;
  for (let k = 0; k < levels; k++) {
    if (k > 0) {
      level = downsample(level, shape, [2, 2, 2], 'mean', v.dtype);
      shape = shape.map((s) => Math.ceil(s / 2));
    }
    for (let z = 0; z < shape[0]; z += 64)
      for (let y = 0; y < shape[1]; y += 64)
        for (let x = 0; x < shape[2]; x += 64) {
          const c = new Uint8Array(64 * 64 * 64 * bpe);
          for (let dz = 0; dz < Math.min(64, shape[0] - z); dz++)
            for (let dy = 0; dy < Math.min(64, shape[1] - y); dy++) {
              const from = (((z + dz) * shape[1] + y + dy) * shape[2] + x) * bpe;
              c.set(level.subarray(from, from + Math.min(64, shape[2] - x) * bpe), (dz * 64 + dy) * 64 * bpe);
            }
          chunks.push({ bytes: c, shape: [64, 64, 64] });
        }
  }
  return chunks;
}

async function codecLoop(v: Volume, levels: number, compression: CompressionName): Promise<number> {
  const chunks = pyramidChunks(v, levels);
  const pool = createChunkPool(THREADS);
  const codec = codecSpec(compression);
  // Warm the workers' codecs.
  await pool.run({
    src: chunks[0].bytes.slice(),
    srcShape: [64, 64, 64],
    factors: [1, 1, 1],
    method: 'mean',
    dtype: v.dtype,
    chunk: [64, 64, 64],
    codec,
  });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: THREADS * 2 }, async () => {
      while (next < chunks.length) {
        const c = chunks[next++];
        await pool.run({
          src: c.bytes.slice(),
          srcShape: c.shape,
          factors: [1, 1, 1],
          method: 'mean',
          dtype: v.dtype,
          chunk: c.shape,
          codec,
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return seconds;
}

function tiffStack(planes: number, size: number): Volume {
  const dir = join(BENCH_DIR, `convert-stack-${planes}x${size}`);
  const copy = join(dir, 'stack-copy.ome.zarr');
  if (!existsSync(join(copy, '.zattrs'))) {
    mkdirSync(dir, { recursive: true });
    const made = spawnSync('/usr/bin/python3', [join(ROOT, 'bench/make_stack.py'), dir, String(planes), String(size)]);
    if (made.status !== 0) throw new Error(`make_stack.py: ${made.stderr}`);
  }
  const raw = join(dir, 'level0.raw');
  if (!existsSync(raw)) {
    const r = spawnSync('/usr/bin/python3', [
      '-c',
      `import zarr,sys; zarr.open_array(sys.argv[1], mode="r")[...].tofile(sys.argv[2])`,
      join(copy, '0'),
      raw,
    ]);
    if (r.status !== 0) throw new Error(`raw dump: ${r.stderr}`);
  }
  return {
    name: `TIFF stack ${planes}×${size}² uint16 (via its OME-Zarr copy)`,
    raw,
    dtype: 'uint16',
    shape: [planes, size, size],
    input: [copy],
  };
}

async function bossdbRegion(url: string, box: { x: number; y: number; z: number }): Promise<Volume> {
  const channel = 'zb_public/big/em';
  const raw = join(BENCH_DIR, `convert-bossdb-${box.z}x${box.y}x${box.x}.raw`);
  if (!existsSync(raw)) {
    const catalog = new Catalog();
    const source = createBossdbSource({ url });
    catalog.setBossdb(source.root, url);
    const node = (await catalog.resolve(`bossdb/${channel}/0`, {})) as ArrayNode;
    mkdirSync(BENCH_DIR, { recursive: true });
    writeFileSync(raw, await new BoxReader(node, 0).read({ start: [0, 0, 0], shape: [box.z, box.y, box.x] }, {}));
  }
  return {
    name: `BossDB region ${box.x}×${box.y}×${box.z} uint8 (fixture on loopback)`,
    raw,
    dtype: 'uint8',
    shape: [box.z, box.y, box.x],
    input: [`bossdb://${channel}`, '--bossdb-url', url, '--region', `x=0:${box.x},y=0:${box.y},z=0:${box.z}`],
  };
}

export interface ConvertRow {
  input: string;
  converter: string;
  mbPerSec: number;
  range: [number, number];
  peakRssMb: number;
}

/** ngff-zarr lives in its own folder (it needs zarrita 0.6 beside the project's 0.7): installed on first use. */
function ensureNgffZarr(): void {
  const dir = join(ROOT, 'bench/ngff-zarr');
  if (existsSync(join(dir, 'node_modules/@fideus-labs/ngff-zarr'))) return;
  console.log('installing @fideus-labs/ngff-zarr into bench/ngff-zarr (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm ci in bench/ngff-zarr failed');
}

export async function convertBench(rounds: number): Promise<ConvertRow[]> {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first (the benchmark runs the built CLI)');
  ensureNgffZarr();
  const fixture = await startBossdbFixture();
  const rows: ConvertRow[] = [];
  try {
    const volumes = [tiffStack(32, 768), await bossdbRegion(fixture.url, { x: 1024, y: 1024, z: 32 })];
    for (const v of volumes) {
      const mb = (v.shape.reduce((a, b) => a * b, 1) * (v.dtype === 'uint16' ? 2 : 1)) / 1e6;
      const out = join(BENCH_DIR, 'convert-out');
      const results: Record<string, { mbs: number[]; rss: number[] }> = {};
      const note = (k: string, seconds: number, rss: number) => {
        results[k] ??= { mbs: [], rss: [] };
        results[k].mbs.push(mb / seconds);
        results[k].rss.push(rss);
      };
      let levels = 0;
      for (let r = 0; r < rounds; r++) {
        // Interleaved, so a busy moment on the shared cores hits every row alike.
        const zstd = await ours(v, 'zstd', `${out}-zstd`);
        levels = zstd.levels;
        note('zarr-bridge convert, zstd', zstd.seconds, zstd.peakRssBytes);
        const blosc = await ours(v, 'blosc', `${out}-blosc`);
        note('zarr-bridge convert, blosc-zstd', blosc.seconds, blosc.peakRssBytes);
        const ng = await ngffZarr(v, levels, `${out}-ngff`);
        note('ngff-zarr (TypeScript), blosc-zstd', ng.seconds, ng.peakRssBytes);
        note('bare codec loop, zstd', await codecLoop(v, levels, 'zstd'), 0);
        note('bare codec loop, blosc-zstd', await codecLoop(v, levels, 'blosc'), 0);
      }
      for (const [converter, r] of Object.entries(results)) {
        rows.push({
          input: v.name,
          converter,
          mbPerSec: median(r.mbs),
          range: [Math.min(...r.mbs), Math.max(...r.mbs)],
          peakRssMb: Math.max(...r.rss) / 2 ** 20,
        });
      }
    }
  } finally {
    await fixture.close();
  }
  return rows;
}

export const CONVERT_MEMORY_MB = MEMORY_MB;

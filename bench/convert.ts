/**
 * `zarr-bridge convert` MB/s (level-0 bytes ÷ wall time of the whole
 * command), side by side in one run with `@fideus-labs/ngff-zarr` doing the
 * same conversion (also a whole process, reading its own input) and with the
 * bare codec loop (every chunk of the same pyramid, same chunk shapes,
 * encoded with the same codec on the same threads: no reading, downsampling
 * or writing), plus each converter's peak RSS against `--memory`.
 *
 * Two inputs:
 * - a TIFF stack written by tifffile (one uncompressed uint16 plane per
 *   file), read by convert through the TIFF source and by ngff-zarr with
 *   geotiff;
 * - a BossDB region of the project's fixture on loopback, answered in BossDB's own blosc frames (c-blosc's
 *   blosclz, the bit depth as type size: `pythonBossdbBlosc`). The fixture computes
 *   and compresses every voxel in this process, on the same two cores: it
 *   keeps its replies (`memoizeCutouts`) and a warm-up conversion fills them,
 *   so the measured rounds replay bytes; the fixture's CPU seconds during each
 *   run are reported beside it. ngff-zarr cannot read BossDB: it is given the
 *   region as a raw file (in its favour).
 *
 * `ZARR_BRIDGE_BENCH_CONVERT_SCALE=k` runs it on k times deeper inputs (see SCALE).
 * `ZARR_BRIDGE_BENCH_BASELINE_CLI=path/to/cli.js` adds an earlier build of
 * convert as one more row (before/after on the same machine state);
 * `ZARR_BRIDGE_BENCH_CLI` replaces the build measured (default out/main/cli.js).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../src/bridge/catalog/catalog.js';
import type { DType } from '../src/bridge/model/dtype.js';
import type { ArrayNode } from '../src/bridge/model/node.js';
import type { OmeAxis } from '../src/bridge/model/ome.js';
import { createBossdbSource } from '../src/bridge/sources/bossdb/index.js';
import { BoxReader, copyOverlap } from '../src/bridge/writer/box-reader.js';
import { codecSpec } from '../src/bridge/writer/codec.js';
import { downsample } from '../src/bridge/writer/downsample.js';
import type { CompressionName } from '../src/bridge/writer/options.js';
import { type LevelPlan, planLevels } from '../src/bridge/writer/plan.js';
import { createChunkPool } from '../src/bridge/writer/worker-pool.js';
import { pythonBossdbBlosc, startBossdbFixture } from '../test/bossdb-fixture/index.js';
import { BENCH_DIR } from './dataset.js';
import { median } from './serving.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = process.env.ZARR_BRIDGE_BENCH_CLI ?? join(ROOT, 'out/main/cli.js');
const BASELINE_CLI = process.env.ZARR_BRIDGE_BENCH_BASELINE_CLI;
const THREADS = 2;
const MEMORY_MB = 512;
/** ngff-zarr 0.14's bin-shrink fails from a factor of 8 on thin volumes: 3 levels for both. */
const LEVELS = 3;
/**
 * `ZARR_BRIDGE_BENCH_CONVERT_SCALE=k` makes both inputs k times deeper (k×64 planes, a region k×64 deep):
 * the fixed cost of a command (Node's start, loading modules, booting the codec workers, about 0.25 s here)
 * weighs less on a volume of users' size, and the ratios to the codec loop show how much.
 */
const SCALE = Math.max(1, Math.floor(Number(process.env.ZARR_BRIDGE_BENCH_CONVERT_SCALE ?? 1)));
const STACK = { planes: 64 * SCALE, size: 768 };
const REGION = { x: 1024, y: 1024, z: 64 * SCALE };
/**
 * The BossDB region once more with every cutout answered this late: a real BossDB is a round trip away and
 * reads each cuboid from S3, which the replayed replies on loopback hide.
 */
export const SLOW_CUTOUT_MS = 150;

interface Volume {
  name: string;
  /** Level-0 voxels as raw C-order bytes (for ngff-zarr's BossDB input and the codec loop). */
  raw: string;
  dtype: 'uint8' | 'uint16';
  shape: [number, number, number];
  /** Voxel size z, y, x (decides which axes the pyramid halves). */
  scale: [number, number, number];
  /** `convert` arguments that read it. */
  input: string[];
  /** What ngff-zarr reads. */
  ngff: { kind: 'tiff' | 'raw'; input: string };
}

interface Run {
  seconds: number;
  /** convert's own time from its start to its last byte (no Node start, no module loading); 0: not reported. */
  innerSeconds: number;
  peakRssBytes: number;
  /** Bytes of files written (0: nothing written, the codec loop). */
  outputBytes: number;
  /** CPU seconds the bench process (the BossDB fixture) spent meanwhile. */
  fixtureCpu: number;
}

const AXES: OmeAxis[] = ['z', 'y', 'x'].map((name) => ({ name, type: 'space' }));
const levelsOf = (v: Volume): LevelPlan[] =>
  planLevels(
    { axes: AXES, shape: v.shape, scale: v.scale, translation: [0, 0, 0] },
    { chunk: undefined, shard: 8, levels: LEVELS, ome: '0.5' },
    'mean',
  );

/** Runs a command; resolves to its stdout and wall seconds, with the fixture's CPU meanwhile. */
function timed(cmd: string, args: string[]): Promise<{ out: string; seconds: number; fixtureCpu: number }> {
  return new Promise((resolve, reject) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')}: ${code} ${err.slice(-500)}`));
      else resolve({ out, seconds, fixtureCpu: (used.user + used.system) / 1e6 });
    });
  });
}

async function ours(cli: string, v: Volume, compression: CompressionName, out: string): Promise<Run> {
  rmSync(out, { recursive: true, force: true });
  const r = await timed(process.execPath, [
    cli,
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
  const done = JSON.parse(r.out.trim().split('\n').at(-1)!) as {
    levels: number;
    peakRssBytes: number;
    seconds: number;
  };
  if (done.levels !== LEVELS) throw new Error(`convert wrote ${done.levels} levels, not ${LEVELS}`);
  return {
    seconds: r.seconds,
    innerSeconds: done.seconds,
    peakRssBytes: done.peakRssBytes,
    fixtureCpu: r.fixtureCpu,
    outputBytes: bytesUnder(out),
  };
}

/** Bytes of the files under `dir`, metadata included. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

async function ngffZarr(v: Volume, out: string): Promise<Run> {
  rmSync(out, { recursive: true, force: true });
  const levels = levelsOf(v);
  // ngff-zarr's factors are each level's from the one before.
  const factors = levels.slice(1).map((l) => ({ z: l.factor[0], y: l.factor[1], x: l.factor[2] }));
  const spec = { ...v.ngff, dtype: v.dtype, shape: v.shape, factors, output: out, threads: THREADS };
  const r = await timed(process.execPath, [join(ROOT, 'bench/ngff-zarr/convert.mjs'), JSON.stringify(spec)]);
  const done = JSON.parse(r.out.trim().split('\n').at(-1)!) as { peakRssBytes: number };
  // The same pyramid, in the same dtype, or the comparison means nothing.
  for (const l of levels) {
    const meta = JSON.parse(readFileSync(join(out, `scale${l.index}`, 'zarr.json'), 'utf8'));
    if (meta.shape.join() !== l.shape.join() || meta.data_type !== v.dtype)
      throw new Error(`ngff-zarr wrote level ${l.index} as ${meta.shape} ${meta.data_type}, not ${l.shape} ${v.dtype}`);
  }
  return {
    seconds: r.seconds,
    innerSeconds: 0,
    peakRssBytes: done.peakRssBytes,
    fixtureCpu: r.fixtureCpu,
    outputBytes: bytesUnder(out),
  };
}

/** Every chunk of the pyramid convert writes (its plan's chunk shapes, mean), made before the clock starts. */
function pyramidChunks(v: Volume): { bytes: Uint8Array; shape: number[] }[] {
  const bpe = v.dtype === 'uint16' ? 2 : 1;
  const chunks: { bytes: Uint8Array; shape: number[] }[] = [];
  let level: Uint8Array = new Uint8Array(readFileSync(v.raw));
  let shape: number[] = [...v.shape];
  for (const plan of levelsOf(v)) {
    if (plan.index > 0) {
      level = downsample(level, shape, plan.factor, 'mean', v.dtype as DType);
      shape = plan.shape;
    }
    const { chunk } = plan;
    for (let z = 0; z < shape[0]; z += chunk[0])
      for (let y = 0; y < shape[1]; y += chunk[1])
        for (let x = 0; x < shape[2]; x += chunk[2]) {
          const bytes = new Uint8Array(chunk[0] * chunk[1] * chunk[2] * bpe);
          copyOverlap(level, { start: [0, 0, 0], shape }, bytes, { start: [z, y, x], shape: chunk }, bpe);
          chunks.push({ bytes, shape: chunk });
        }
  }
  return chunks;
}

async function codecLoop(v: Volume, compression: CompressionName): Promise<number> {
  const chunks = pyramidChunks(v);
  const pool = createChunkPool(THREADS);
  const codec = codecSpec(compression);
  const task = (c: { bytes: Uint8Array; shape: number[] }) => ({
    src: c.bytes.slice(),
    srcShape: c.shape,
    factors: c.shape.map(() => 1),
    method: 'mean' as const,
    dtype: v.dtype,
    chunk: c.shape,
    codec,
  });
  // Warm every worker's codec.
  await Promise.all(Array.from({ length: THREADS }, () => pool.run(task(chunks[0]))));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: THREADS * 2 }, async () => {
      while (next < chunks.length) await pool.run(task(chunks[next++]));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return seconds;
}

function tiffStack(planes: number, size: number): Volume {
  const dir = join(BENCH_DIR, `convert-tiff-${planes}x${size}`);
  const raw = join(dir, 'level0.raw');
  if (!existsSync(raw)) {
    mkdirSync(dir, { recursive: true });
    const made = spawnSync('/usr/bin/python3', [join(ROOT, 'bench/make_stack.py'), dir, String(planes), String(size)]);
    if (made.status !== 0) throw new Error(`make_stack.py: ${made.stderr}`);
  }
  const stack = join(dir, 'stack');
  return {
    name: `TIFF stack: ${planes} files of ${size}² uint16 (tifffile, uncompressed)`,
    raw,
    dtype: 'uint16',
    shape: [planes, size, size],
    scale: [1, 1, 1],
    input: [stack],
    ngff: { kind: 'tiff', input: stack },
  };
}

async function bossdbRegion(url: string, box: { x: number; y: number; z: number }): Promise<Volume> {
  const channel = 'zb_public/big/em';
  const raw = join(BENCH_DIR, `convert-bossdb-${box.z}x${box.y}x${box.x}.raw`);
  // Read through the bridge's own BossDB source: it also fills the fixture's replies for the conversions.
  const catalog = new Catalog();
  const source = createBossdbSource({ url });
  catalog.setBossdb(source.root, url);
  const node = (await catalog.resolve(`bossdb/${channel}/0`, {})) as ArrayNode;
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(raw, await new BoxReader(node, 0).read({ start: [0, 0, 0], shape: [box.z, box.y, box.x] }, {}));
  await catalog.close();
  return {
    name: `BossDB region ${box.x}×${box.y}×${box.z} uint8, 4×4×50 nm (fixture on loopback, BossDB's blosclz frames, replies replayed)`,
    raw,
    dtype: 'uint8',
    shape: [box.z, box.y, box.x],
    scale: [50, 4, 4],
    input: [`bossdb://${channel}`, '--bossdb-url', url, '--region', `x=0:${box.x},y=0:${box.y},z=0:${box.z}`],
    ngff: { kind: 'raw', input: raw },
  };
}

export interface ConvertRow {
  input: string;
  converter: string;
  mbPerSec: number;
  range: [number, number];
  /** Median MB/s over convert's own reported time (no process start), undefined for the others. */
  innerMbPerSec?: number;
  /** Highest peak RSS over the rounds, MiB (0: not measured). */
  peakRssMb: number;
  /** Median fixture CPU seconds per run (BossDB only). */
  fixtureCpu?: number;
  /** MB written (the last round's), undefined for the codec loop. */
  outputMb?: number;
}

/** ngff-zarr lives in its own folder (it needs zarrita 0.6 beside the project's 0.7): installed on first use. */
function ensureNgffZarr(): void {
  const dir = join(ROOT, 'bench/ngff-zarr');
  if (existsSync(join(dir, 'node_modules/@fideus-labs/ngff-zarr'))) return;
  console.log('installing @fideus-labs/ngff-zarr into bench/ngff-zarr (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm ci in bench/ngff-zarr failed');
}

export const CONVERTERS = {
  zstd: 'zarr-bridge convert, zstd',
  blosc: 'zarr-bridge convert, blosc-zstd',
  baselineZstd: 'earlier build of convert, zstd',
  baselineBlosc: 'earlier build of convert, blosc-zstd',
  ngff: 'ngff-zarr (TypeScript), blosc-zstd',
  slowZstd: `zarr-bridge convert, zstd, cutouts after ${SLOW_CUTOUT_MS} ms`,
  baselineSlowZstd: `earlier build of convert, zstd, cutouts after ${SLOW_CUTOUT_MS} ms`,
  loopZstd: 'bare codec loop, zstd',
  loopBlosc: 'bare codec loop, blosc-zstd',
} as const;

export async function convertBench(rounds: number): Promise<ConvertRow[]> {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first (the benchmark runs the built CLI)');
  ensureNgffZarr();
  // BossDB's own frames (blosclz, the bit depth as type size), written by c-blosc: what a client of the real
  // service decodes (about as dear to decode as the fixture's own zstd frames; see the fixture's README).
  const fixture = await startBossdbFixture({ memoizeCutouts: true, bloscFrame: pythonBossdbBlosc });
  const rows: ConvertRow[] = [];
  try {
    const volumes = [tiffStack(STACK.planes, STACK.size), await bossdbRegion(fixture.url, REGION)];
    for (const v of volumes) {
      const mb = (v.shape.reduce((a, b) => a * b, 1) * (v.dtype === 'uint16' ? 2 : 1)) / 1e6;
      const out = join(BENCH_DIR, 'convert-out');
      const results: Record<string, { mbs: number[]; inner: number[]; rss: number[]; cpu: number[]; out: number }> = {};
      const note = (k: string, r: Run) => {
        results[k] ??= { mbs: [], inner: [], rss: [], cpu: [], out: 0 };
        results[k].mbs.push(mb / r.seconds);
        if (r.innerSeconds > 0) results[k].inner.push(mb / r.innerSeconds);
        results[k].rss.push(r.peakRssBytes);
        results[k].cpu.push(r.fixtureCpu);
        results[k].out = r.outputBytes;
      };
      const loop = (seconds: number): Run => ({
        seconds,
        innerSeconds: 0,
        peakRssBytes: 0,
        fixtureCpu: 0,
        outputBytes: 0,
      });
      // Warm-up (not counted): the page cache holds the input, the fixture its replies.
      await ours(CLI, v, 'zstd', `${out}-zstd`);
      for (let r = 0; r < rounds; r++) {
        // Interleaved, so a busy moment on the shared cores hits every row alike.
        note(CONVERTERS.zstd, await ours(CLI, v, 'zstd', `${out}-zstd`));
        note(CONVERTERS.blosc, await ours(CLI, v, 'blosc', `${out}-blosc`));
        if (BASELINE_CLI) {
          note(CONVERTERS.baselineZstd, await ours(BASELINE_CLI, v, 'zstd', `${out}-base-zstd`));
          note(CONVERTERS.baselineBlosc, await ours(BASELINE_CLI, v, 'blosc', `${out}-base-blosc`));
        }
        note(CONVERTERS.ngff, await ngffZarr(v, `${out}-ngff`));
        if (v.ngff.kind === 'raw') {
          fixture.settings.latencyMs = SLOW_CUTOUT_MS;
          try {
            note(CONVERTERS.slowZstd, await ours(CLI, v, 'zstd', `${out}-zstd`));
            if (BASELINE_CLI)
              note(CONVERTERS.baselineSlowZstd, await ours(BASELINE_CLI, v, 'zstd', `${out}-base-zstd`));
          } finally {
            fixture.settings.latencyMs = 0;
          }
        }
        note(CONVERTERS.loopZstd, loop(await codecLoop(v, 'zstd')));
        note(CONVERTERS.loopBlosc, loop(await codecLoop(v, 'blosc')));
      }
      for (const [converter, r] of Object.entries(results)) {
        rows.push({
          input: v.name,
          converter,
          mbPerSec: median(r.mbs),
          range: [Math.min(...r.mbs), Math.max(...r.mbs)],
          innerMbPerSec: r.inner.length > 0 ? median(r.inner) : undefined,
          peakRssMb: Math.max(...r.rss) / 2 ** 20,
          fixtureCpu: v.ngff.kind === 'raw' && r.rss[0] > 0 ? median(r.cpu) : undefined,
          outputMb: r.out ? r.out / 1e6 : undefined,
        });
      }
    }
  } finally {
    await fixture.close();
  }
  return rows;
}

export const CONVERT_SETTINGS = { threads: THREADS, memoryMb: MEMORY_MB, levels: LEVELS, scale: SCALE };

/**
 * `npm run bench`: every benchmark side by side in one run, printed as a
 * table of ratios against the baseline measured in the same run.
 * Sections: `serving`, `cold`, `transcoding`, `gzip`, `bossdb`, `stall`, `viewer`, `tiff`, `convert` (default: all). Usage: npm run bench [-- section...]
 */

import { loadavg } from 'node:os';
import { viewerDuringExport } from './bossdb-export.js';
import { bossdbBench } from './bossdb-session.js';
import { CONVERT_SETTINGS, CONVERTERS, convertBench, SLOW_CUTOUT_MS } from './convert.js';
import { shardedImage } from './dataset.js';
import { decodeStallBench } from './decode-stall.js';
import { gzipLevelBench } from './gzip-level.js';
import { coldServingBench, median, servingBench } from './serving.js';
import { TIFF_CHUNK_BYTES, tiffBench } from './tiff.js';
import { ensureAptTool } from './tools.js';
import { transcodingBench } from './transcoding.js';
import { decodeBench, largeViewerBench, viewerBench } from './viewer.js';

const wanted = new Set(process.argv.slice(2));
const want = (s: string) => wanted.size === 0 || wanted.has(s);

// wrk loads the servers far less than a JS client would; nginx is the pass-through baseline.
if (want('serving') || want('cold') || want('transcoding') || want('tiff')) ensureAptTool('wrk', 'wrk');
if (want('serving') || want('cold')) ensureAptTool('nginx', 'nginx');

function table(rows: Record<string, string | number>[]) {
  const cols = Object.keys(rows[0]);
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(width[i])).join(' | ')} |`;
  console.log(line(cols));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
  console.log();
}

if (want('bossdb')) {
  console.log('## BossDB: Neuroglancer-like session, fixture with 100 ms latency per cutout, 6 connections\n');
  const rows = await bossdbBench(100);
  table(
    rows.map((r) => ({
      session: r.name,
      'served blocks': r.blocks,
      'upstream cutouts': r.upstreamCutouts,
      'cutouts per block': r.upstreamCutouts / r.blocks,
      'voxel amplification': r.amplification,
      'wall ms': Math.round(r.wallMs),
    })),
  );
  const [bridge, naive, aligned, alignedNaive, alignedNaive128] = rows;
  console.log(
    `bridge ÷ naive: cutouts ${(bridge.upstreamCutouts / naive.upstreamCutouts).toFixed(2)}, wall time ${(bridge.wallMs / naive.wallMs).toFixed(2)}`,
  );
  console.log(
    `aligned 1024²×16: ${aligned.upstreamCutouts} cutouts (goal ≤ 8, minimum 4), amplification ${aligned.amplification.toFixed(2)} (goal ≤ 1.3); naive: ${alignedNaive.upstreamCutouts} with 256² blocks, ${alignedNaive128.upstreamCutouts} with 128² blocks\n`,
  );
  const during = await viewerDuringExport(100);
  const ms = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(
    `### A viewer's chunk while an export reads ${during.cuboids} cuboids (100 ms per cutout, 4 in flight)\n`,
  );
  console.log(`its cutout first (the bridge's order): ${ms(during.firstMs)}`);
  console.log(`in line with the export's: ${ms(during.inLineMs)}`);
  console.log(`first ÷ in line: ${(median(during.firstMs) / median(during.inLineMs)).toFixed(2)}\n`);
}

if (want('stall')) {
  console.log(
    '## BossDB decoding vs everyone else: 16 cuboids (4 MiB uint8 blosc each, replayed) at once, a metadata document asked for meanwhile; 3 rounds per build\n',
  );
  table(
    (await decodeStallBench()).map((r) => ({
      build: r.build,
      burst: r.burst,
      'burst ms': Math.round(r.burstMs),
      'metadata median ms': r.medianMs,
      'p90 ms': r.p90Ms,
      'max ms': r.maxMs,
      answers: r.probes,
    })),
  );
}

if (want('serving')) {
  console.log(
    '## Pass-through serving of local chunk files (4096² uint16, 256² gzip chunks): median of 3 interleaved rounds of 4 s\n',
  );
  const { rows, nginxMissing } = await servingBench(4, 3);
  if (nginxMissing) console.log('nginx is not installed (apt-get install nginx): its column is missing.\n');
  const nginxAt = (c: number) => rows.find((r) => r.server === 'nginx' && r.connections === c);
  table(
    rows.map((r) => ({
      server: r.server,
      connections: r.connections,
      'req/s': Math.round(r.reqPerSec),
      'MB/s': r.mbPerSec,
      'p99 ms': r.p99,
      '÷ nginx req/s': nginxAt(r.connections) ? r.reqPerSec / nginxAt(r.connections)!.reqPerSec : 'n/a',
      'per-round ÷ nginx': r.ratioRange ? `${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)}` : '',
    })),
  );
}

if (want('cold')) {
  console.log(
    '### The cold path: 1024 chunk files (~90 MB), twice the hot-object cache, 16 connections, median of 5 interleaved rounds of 4 s after an untimed 2 s pass of each\n',
  );
  const { rows, roundRatios } = await coldServingBench(4, 5);
  const ng = rows.find((r) => r.server.startsWith('nginx'));
  table(
    rows.map((r) => ({
      server: r.server,
      'req/s': Math.round(r.reqPerSec),
      'MB/s': r.mbPerSec,
      'p99 ms': r.p99,
      '÷ nginx req/s': ng ? r.reqPerSec / ng.reqPerSec : 'n/a',
      // The median of the rounds' own ratios, then every round's, in order.
      'per-round ÷ nginx':
        ng && roundRatios && r !== ng
          ? `median ${median(roundRatios).toFixed(2)}: ${roundRatios.map((x) => x.toFixed(2)).join(', ')}`
          : '',
    })),
  );
}

if (want('transcoding')) {
  console.log(
    '## Transcoding a sharded Zarr v3 image (4096² uint16), 16 connections, MB/s of voxels: median of 3 interleaved rounds of 4 s\n',
  );
  const rows = await transcodingBench(4, 3);
  table(
    rows.map((r) => ({
      path: r.kind,
      'over HTTP MB/s': r.http,
      'bare codec loop MB/s': r.loop,
      'HTTP ÷ loop': r.http / r.loop,
      'per-round ÷ loop': `${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)}`,
    })),
  );
}

if (want('viewer')) {
  console.log(
    '_Chromium as the e2e tests launch it (test/support/env.ts): WebGL2 on SwiftShader, the window composited in software, no address-bar popup page per window._\n',
  );
  console.log('## Viewer: 4-channel 8192² uint16 sharded OME-Zarr 0.5 (5 levels), headless Chromium 1200×700\n');
  const r = await viewerBench();
  table([
    {
      'first complete frame ms': Math.round(r.firstFrameMs),
      'of which app start-up ms': Math.round(r.firstRequestMs),
      'displayed level': r.level,
      requests: r.requests,
      'bytes fetched': r.fetchedBytes,
      'bytes needed': r.neededBytes,
      'fetched ÷ needed': r.fetchedBytes / r.neededBytes,
      'idle CPU-s per s': r.idleCpuPerSecond,
    },
  ]);
  const variants = [
    {
      serverWarm: false,
      browserRunning: false,
      title:
        'BossDB channels of 200000 × 160000 × 4000 voxels at full view (fixture, 100 ms per cutout, computing each cutout on these cores), 1280×800, the first page of a fresh Chromium',
    },
    {
      serverWarm: true,
      browserRunning: false,
      title:
        'the same, the fixture replaying cutouts it computed before (a throwaway bridge and browser opened them first; BossDB computes on its own machines)',
    },
    {
      serverWarm: true,
      browserRunning: true,
      title: 'the same, in a Chromium that has shown another page before (as a user’s running browser)',
    },
  ];
  for (const { title, ...options } of variants) {
    console.log(`\n## Viewer: ${title}\n`);
    table(
      (await largeViewerBench(['zb_public/huge/em', 'zb_public/huge_shallow/em'], options)).map((r) => ({
        channel: r.channel,
        'first complete frame ms': Math.round(r.firstFrameMs),
        'of which app start-up ms': Math.round(r.firstRequestMs),
        'chunk requests': r.chunkRequests,
        'tiles on screen': r.tilesOnScreen,
        'requests ÷ tiles': r.tilesOnScreen ? r.chunkRequests / r.tilesOnScreen : '—',
        'peak fetches in flight': r.peakFetches,
        'zoom-in notice': r.zoomNotice ? 'yes' : 'no',
      })),
    );
  }
  console.log(
    '\n## Viewer: where to decode blosc, zstd and lz4 (full-resolution view of 2 × 2048² uint16, 256² chunks, 1280×800): page workers vs the bridge, median of 3 interleaved rounds\n',
  );
  const decoded = await decodeBench(3);
  table(
    decoded.map((r) => ({
      codec: r.codec,
      'decoded in': r.where === 'page' ? 'page (workers, stored bytes)' : 'bridge (/zarr/v2, raw)',
      'first data request → complete frame ms': Math.round(r.firstFrameMs),
      range: `${Math.round(r.range[0])}–${Math.round(r.range[1])}`,
      'chunk bytes fetched': r.bytes,
    })),
  );
}

if (want('gzip')) {
  console.log('## gzip level for transcoded chunks\n');
  const demo = new URL('../resources/demo.ome.zarr', import.meta.url).pathname;
  table(
    await gzipLevelBench([
      { name: 'demo image (cells)', path: demo, level: '0' },
      { name: 'benchmark volume', path: shardedImage(), level: '0' },
    ]),
  );
}

if (want('tiff')) {
  console.log(
    '## TIFF source: chunks of a tiled TIFF (uint16, 256² Deflate tiles) next to the same chunks from an OME-Zarr copy (256² gzip), 16 connections, bridge defaults; warm: 4096² (fetched once before each measurement), cold: 8192² (twice the caches): median of 3 interleaved rounds of 4 s\n',
  );
  const rows = await tiffBench(4, 3);
  if (rows) {
    table(
      rows.map((r) => ({
        case: r.case,
        'TIFF req/s': Math.round(r.tiffReqPerSec),
        'TIFF voxel MB/s': (r.tiffReqPerSec * TIFF_CHUNK_BYTES) / 2 ** 20,
        copy: r.copy,
        'copy req/s': Math.round(r.zarrReqPerSec),
        'TIFF ÷ copy': r.ratio,
        'per-round ÷ copy': `${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)}`,
        'bridge CPU µs/req TIFF, copy': `${Math.round(r.tiffCpuMicros)}, ${Math.round(r.zarrCpuMicros)}`,
        'copy CPU ÷ TIFF CPU': r.cpuRatio,
      })),
    );
    const ratio = (c: string) => rows.find((r) => r.case === c)?.ratio.toFixed(2) ?? '–';
    for (const set of ['warm 4096²', 'cold 8192²']) {
      console.log(
        `${set}: TIFF ÷ copy on /zarr/v3 ${ratio(`${set}, /zarr/v3`)}, on /zarr/v2 ${ratio(`${set}, /zarr/v2`)}`,
      );
    }
    console.log('goal: TIFF ÷ copy ≥ 0.7\n');
  }
}

if (want('convert')) {
  const { threads, memoryMb, levels, scale } = CONVERT_SETTINGS;
  console.log(
    `## zarr-bridge convert → OME-Zarr 0.5 (64³ chunks, 8³ chunks per shard, ${levels} levels), ${threads} threads, --memory ${memoryMb}${scale > 1 ? `, inputs ${scale}× deeper` : ''}: MB/s of level-0 voxels over each command's wall time, median of 3 interleaved rounds (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')})\n`,
  );
  const rows = await convertBench(3);
  for (const input of [...new Set(rows.map((r) => r.input))]) {
    console.log(`### ${input}\n`);
    const mine = rows.filter((r) => r.input === input);
    const at = (name: string) => mine.find((r) => r.converter === name)?.mbPerSec ?? Number.NaN;
    const rss = (name: string) => mine.find((r) => r.converter === name)?.peakRssMb ?? Number.NaN;
    table(
      mine.map((r) => ({
        converter: r.converter,
        'MB/s': r.mbPerSec,
        range: `${r.range[0].toFixed(1)}–${r.range[1].toFixed(1)}`,
        'MB/s in-process': r.innerMbPerSec !== undefined ? r.innerMbPerSec.toFixed(2) : '',
        'peak RSS MiB': r.peakRssMb ? Math.round(r.peakRssMb) : '',
        'output MB': r.outputMb !== undefined ? r.outputMb.toFixed(1) : '',
        ...(mine.some((m) => m.fixtureCpu !== undefined)
          ? { 'fixture CPU s': r.fixtureCpu !== undefined ? r.fixtureCpu : '' }
          : {}),
      })),
    );
    const ng = at(CONVERTERS.ngff);
    console.log(
      `convert ÷ ngff-zarr: zstd (each one's default) ${(at(CONVERTERS.zstd) / ng).toFixed(2)}, blosc-zstd (like for like) ${(at(CONVERTERS.blosc) / ng).toFixed(2)} (goal ≥ 2)`,
    );
    console.log(
      `convert ÷ codec loop: zstd ${(at(CONVERTERS.zstd) / at(CONVERTERS.loopZstd)).toFixed(2)}, blosc-zstd ${(at(CONVERTERS.blosc) / at(CONVERTERS.loopBlosc)).toFixed(2)} (goal ≥ 0.7)`,
    );
    // The same, over convert's own reported time: what a conversion many times larger approaches, once Node's
    // start and module loading (a fixed ~0.3 s, a fifth of these runs) no longer count.
    const inner = (name: string) => mine.find((r) => r.converter === name)?.innerMbPerSec ?? Number.NaN;
    console.log(
      `convert in-process ÷ codec loop: zstd ${(inner(CONVERTERS.zstd) / at(CONVERTERS.loopZstd)).toFixed(2)}, blosc-zstd ${(inner(CONVERTERS.blosc) / at(CONVERTERS.loopBlosc)).toFixed(2)}`,
    );
    console.log(
      `peak RSS: zstd ${Math.round(rss(CONVERTERS.zstd))} MiB, blosc-zstd ${Math.round(rss(CONVERTERS.blosc))} MiB for --memory ${memoryMb} (goal: within)`,
    );
    if (mine.some((r) => r.converter === CONVERTERS.slowZstd))
      console.log(
        `cutouts answered after ${SLOW_CUTOUT_MS} ms ÷ at once: zstd ${(at(CONVERTERS.slowZstd) / at(CONVERTERS.zstd)).toFixed(2)}${
          mine.some((r) => r.converter === CONVERTERS.baselineSlowZstd)
            ? ` (the earlier build: ${(at(CONVERTERS.baselineSlowZstd) / at(CONVERTERS.baselineZstd)).toFixed(2)})`
            : ''
        }`,
      );
    if (mine.some((r) => r.converter === CONVERTERS.baselineZstd))
      console.log(
        `this build ÷ the earlier one: zstd ${(at(CONVERTERS.zstd) / at(CONVERTERS.baselineZstd)).toFixed(2)}, blosc-zstd ${(at(CONVERTERS.blosc) / at(CONVERTERS.baselineBlosc)).toFixed(2)}`,
      );
    console.log();
  }
}

/**
 * The viewer benchmark: time from opening a 4-channel 8192² uint16 sharded
 * OME-Zarr 0.5 image (5 levels) to the first complete frame in headless
 * Chromium, and the bytes the page fetched ÷ the compressed bytes of the
 * chunks that frame needs (the displayed level's inner chunks in view, read
 * from the shard indexes on disk); then Chromium's CPU per second while that
 * frame stays on screen with nothing changing (deck.gl's loop parked).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/env.js';
import { viewerImage } from './dataset.js';
import { spawnBridge } from './serving.js';

/** Compressed bytes of every stored inner chunk of one level (the fitted view shows the whole image). */
function levelBytes(image: string, level: number): number {
  let total = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const meta = JSON.parse(readFileSync(join(image, String(level), 'zarr.json'), 'utf8'));
        const [, sy, sx] = meta.chunk_grid.configuration.chunk_shape as number[];
        const [, iy, ix] = meta.codecs[0].configuration.chunk_shape as number[];
        const n = (sy / iy) * (sx / ix);
        const buf = readFileSync(p);
        const index = buf.subarray(buf.length - 4 - 16 * n, buf.length - 4);
        for (let k = 0; k < n; k++) {
          const len = index.readBigUInt64LE(16 * k + 8);
          if (len !== 2n ** 64n - 1n) total += Number(len);
        }
      }
    }
  };
  walk(join(image, String(level), 'c'));
  return total;
}

/**
 * Resolves once the viewer reports a complete frame (its test hook). The check runs in the page at each animation
 * frame: a function predicate goes through the DevTools protocol, so the page's CSP allows it. Asking from here
 * every few milliseconds instead made the page's main thread answer a round trip each time, on the cores the
 * page itself was loading on, and noticed the frame up to one polling interval late.
 */
async function viewerFrame(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    // Runs in the page: `globalThis` is its window (this file is typed for Node, without the DOM's names).
    () => ((globalThis as { __zarrBridge?: { viewportLoads: number } }).__zarrBridge?.viewportLoads ?? 0) > 0,
    undefined,
    { polling: 'raf', timeout: timeoutMs },
  );
}

export interface ViewerResult {
  firstFrameMs: number;
  /** When the page asked for its first data URL: the app's own start-up, before any data. */
  firstRequestMs: number;
  fetchedBytes: number;
  neededBytes: number;
  level: number;
  requests: number;
  /** CPU seconds per second of every Chromium process while the viewer shows the frame, nothing changing. */
  idleCpuPerSecond: number;
}

/** CPU seconds used so far by the live Chromium processes (Linux /proc; processes that exited are not counted). */
function chromiumCpuSeconds(): number {
  const tick = 100; // USER_HZ, 100 on Linux
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // The process exited between listing and reading.
    }
  }
  return total;
}

/** Chromium's CPU seconds per second over `seconds` once the viewer's render loop has parked (idleLoop.ts). */
async function idleCpu(page: Page, seconds: number): Promise<number> {
  const deadline = performance.now() + 30_000;
  while (!((await page.evaluate('window.__zarrBridge?.renderLoopParked?.() ?? false')) as boolean)) {
    if (performance.now() > deadline) throw new Error('the render loop never parked');
    await page.waitForTimeout(50);
  }
  const before = chromiumCpuSeconds();
  await page.waitForTimeout(seconds * 1000);
  return (chromiumCpuSeconds() - before) / seconds;
}

export async function viewerBench(): Promise<ViewerResult> {
  const image = viewerImage();
  const bridge = await spawnBridge(['--open', image], true);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 }, deviceScaleFactor: 1 });
    const fetched: { url: string; bytes: number }[] = [];
    page.on('response', async (res) => {
      // HEAD answers carry the whole object's Content-Length but no body.
      if (!res.url().includes('/zarr/v3/') || res.request().method() !== 'GET') return;
      const len = Number(res.headers()['content-length'] ?? (await res.body().catch(() => Buffer.alloc(0))).length);
      fetched.push({ url: res.url(), bytes: len });
    });
    // viv reports a viewport load per layer (the low-resolution background first), so the
    // frame counts as complete once that has happened and the data requests have gone quiet.
    let outstanding = 0;
    let lastDone = 0;
    let firstRequest = 0;
    page.on('request', (r) => {
      if (!r.url().includes('/zarr/v3/')) return;
      outstanding++;
      firstRequest ||= performance.now();
    });
    const done = (r: { url(): string }) => {
      if (!r.url().includes('/zarr/v3/')) return;
      outstanding--;
      lastDone = performance.now();
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    const started = performance.now();
    await page.goto(`${bridge.url}/?source=local%2Fviewer-4ch-8192.ome.zarr&test=1`);
    const quiet = () => outstanding === 0 && lastDone > 0 && performance.now() - lastDone > 750;
    while (!((await page.evaluate('window.__zarrBridge?.viewportLoads ?? 0')) as number) || !quiet()) {
      if (performance.now() - started > 60_000) {
        const shown = await page.evaluate(
          `document.querySelector('[data-testid="errors"]')?.textContent ?? document.body.innerText.slice(0, 300)`,
        );
        throw new Error(`no complete frame in 60 s at ${page.url()}: ${shown}`);
      }
      await page.waitForTimeout(20);
    }
    const firstFrameMs = lastDone - started;
    const levels = fetched
      .map((f) => /\/(\d+)\/c\//.exec(f.url)?.[1])
      .filter((l): l is string => l !== undefined)
      .map(Number);
    const level = Math.min(...levels);
    const idleCpuPerSecond = await idleCpu(page, 5);
    return {
      idleCpuPerSecond,
      firstFrameMs,
      firstRequestMs: firstRequest - started,
      fetchedBytes: fetched.reduce((a, f) => a + f.bytes, 0),
      neededBytes: levelBytes(image, level),
      level,
      requests: fetched.length,
    };
  } finally {
    await browser.close();
    await bridge.close();
  }
}

export interface LargeViewerResult {
  channel: string;
  firstFrameMs: number;
  firstRequestMs: number;
  chunkRequests: number;
  tilesOnScreen: number;
  peakFetches: number;
  zoomNotice: boolean;
}

/**
 * A BossDB channel of 200000 × 160000 × 4000 voxels (the fixture server, 100 ms per cutout) opened at full
 * view in 1280 × 800: time to the first complete frame, and chunk requests made for it ÷ the tiles on screen.
 * The first channel is the first page of a fresh bridge; later ones are further pages.
 *
 * `serverWarm`: the fixture keeps its replies (`memoizeCutouts`) and a throwaway bridge and browser open
 * every channel first, so the measured run (again a fresh bridge and a fresh Chromium) replays cutouts
 * instead of computing and compressing 4 MiB cuboids in JavaScript on the same two cores, as BossDB does on
 * its own machines. Without it, that work competes with the page and the bridge.
 *
 * `browserRunning`: Chromium has shown another page (another site, left open) before the viewer's, as a
 * user's browser has; otherwise the viewer's is the first page of a fresh Chromium, which also pays for
 * starting its first renderer process (0.5–1.3 s here).
 */
export async function largeViewerBench(
  channels: string[],
  options: { serverWarm?: boolean; browserRunning?: boolean } = {},
): Promise<LargeViewerResult[]> {
  const { serverWarm = false, browserRunning = false } = options;
  const { startBossdbFixture } = await import('../test/bossdb-fixture/index.js');
  const fx = await startBossdbFixture({ memoizeCutouts: serverWarm });
  fx.settings.latencyMs = 100;
  try {
    if (serverWarm) await openChannels(fx.url, channels, false);
    return await openChannels(fx.url, channels, browserRunning);
  } finally {
    await fx.close();
  }
}

async function openChannels(
  bossdbUrl: string,
  channels: string[],
  browserRunning: boolean,
): Promise<LargeViewerResult[]> {
  const bridge = await spawnBridge(['--bossdb-url', bossdbUrl], true);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  if (browserRunning) {
    const other = await browser.newPage();
    await other.goto('data:text/html,<p>another site</p>');
    await other.waitForTimeout(1000);
  }
  const out: LargeViewerResult[] = [];
  try {
    for (const channel of channels) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
      let chunkRequests = 0;
      let firstRequest = 0;
      page.on('request', (r) => {
        if (!/\/zarr\/v[23]\//.test(r.url())) return;
        firstRequest ||= performance.now();
        if (/\/c\//.test(r.url())) chunkRequests++;
      });
      const started = performance.now();
      await page.goto(`${bridge.url}/?source=bossdb%2F${encodeURIComponent(channel).replace(/%2F/g, '/')}&test=1`);
      await viewerFrame(page, 120_000).catch(() => {
        throw new Error(`no frame of ${channel} in 120 s`);
      });
      const firstFrameMs = performance.now() - started;
      const requestsAtFrame = chunkRequests;
      const tiles = (await page.evaluate('window.__zarrBridge.tilesInView')) as Record<string, number>;
      const fetches = (await page.evaluate('window.__zarrBridge.fetches()')) as { peak: number };
      out.push({
        channel,
        firstFrameMs,
        firstRequestMs: firstRequest - started,
        chunkRequests: requestsAtFrame,
        tilesOnScreen: Object.values(tiles).reduce((a, b) => a + b, 0),
        peakFetches: fetches.peak,
        zoomNotice: await page.isVisible('[data-testid="zoom-notice"]'),
      });
      await page.close();
    }
  } finally {
    await browser.close();
    await bridge.close();
  }
  return out;
}

export interface DecodeResult {
  codec: string;
  where: 'page' | 'bridge';
  /** Median time from the first data request to the first complete frame, and its range over the rounds. */
  firstFrameMs: number;
  range: [number, number];
  bytes: number;
}

/**
 * Where to decode blosc and zstd for the viewer: in the page's decode workers (stored bytes passed through on
 * /zarr/v3) or in the bridge (levels read on /zarr/v2, transcoded). The same full-resolution view (two 16-bit
 * channels, 2048² per level, 256² chunks, written by numcodecs) in both modes, interleaved rounds.
 */
export async function decodeBench(rounds = 3): Promise<DecodeResult[]> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { writeOme05 } = await import('../test/support/ome05.js');
  const dir = mkdtempSync(join(tmpdir(), 'zb-decode-bench-'));
  const codecs = ['blosc-zstd-shuffle', 'zstd', 'blosc-lz4-shuffle'];
  await writeOme05(
    dir,
    codecs.map((codec) => ({
      name: `${codec}.ome.zarr`,
      codec,
      sharded: false,
      channels: 2,
      height: 2048,
      width: 2048,
      levels: 2,
      chunk: 256,
      shard: 1024,
    })),
  );
  const bridge = await spawnBridge(
    codecs.flatMap((c) => ['--open', join(dir, `${c}.ome.zarr`)]),
    true,
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const times = new Map<string, number[]>();
  const bytes = new Map<string, number>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const codec of codecs) {
        for (const where of ['page', 'bridge'] as const) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
          let total = 0;
          let firstData = 0;
          page.on('request', (r) => {
            if (/\/zarr\/v[23]\//.test(r.url())) firstData ||= performance.now();
          });
          page.on('response', async (res) => {
            // Chunk keys: anything under /zarr/v2|v3 but metadata documents.
            if (/\/zarr\/v[23]\/.*\/\d+$/.test(res.url())) total += Number(res.headers()['content-length'] ?? 0);
          });
          await page.goto(
            `${bridge.url}/?source=local%2F${codec}.ome.zarr&view=1024,1024,0&ch=1,ff0000,0,65535;1,00ff00,0,65535&decode=${where}&test=1`,
          );
          await viewerFrame(page, 60_000).catch(() => {
            throw new Error(`no frame for ${codec} (${where})`);
          });
          const key = `${codec}|${where}`;
          // From the first data request: the app's own start-up is the same in both modes.
          times.set(key, [...(times.get(key) ?? []), performance.now() - firstData]);
          bytes.set(key, total);
          await page.close();
        }
      }
    }
  } finally {
    await browser.close();
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return [...times].map(([key, t]) => {
    const [codec, where] = key.split('|') as [string, 'page' | 'bridge'];
    const sorted = [...t].sort((a, b) => a - b);
    return {
      codec,
      where,
      firstFrameMs: sorted[Math.floor(sorted.length / 2)],
      range: [sorted[0], sorted[sorted.length - 1]],
      bytes: bytes.get(key) ?? 0,
    };
  });
}

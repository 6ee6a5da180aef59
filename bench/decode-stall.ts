/**
 * What decoding BossDB cuboids costs everyone else on the bridge: 16 cuboid-sized
 * blocks (4 MiB of uint8 blosc each, replayed by the fixture) fetched at once,
 * while one client keeps asking for a metadata document; the latency of those
 * small answers, and the burst's wall time, for a fresh bridge's first burst (its
 * decode workers starting) and a second one. With
 * `ZARR_BRIDGE_BENCH_BASELINE_CLI=path/to/cli.js`, an earlier build is measured
 * alternately on the same fixture (before/after on the same machine state).
 */
import { fileURLToPath } from 'node:url';
import { spawnServer } from './serving.js';

export interface StallRow {
  build: string;
  burst: 'first' | 'second';
  burstMs: number;
  medianMs: number;
  p90Ms: number;
  maxMs: number;
  probes: number;
}

const CLI = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));

export async function decodeStallBench(rounds = 3): Promise<StallRow[]> {
  const { startBossdbFixture } = await import('../test/bossdb-fixture/index.js');
  const fx = await startBossdbFixture({ memoizeCutouts: true });
  const builds: [string, string][] = [['this build', CLI]];
  const baseline = process.env.ZARR_BRIDGE_BENCH_BASELINE_CLI;
  if (baseline) builds.unshift(['earlier build', baseline]);
  const rows: StallRow[] = [];
  try {
    // One unmeasured pass fills the fixture's replies, so every measured burst replays bytes.
    await bursts(CLI, 'warm-up', fx.url);
    for (let r = 0; r < rounds; r++) for (const [name, cli] of builds) rows.push(...(await bursts(cli, name, fx.url)));
  } finally {
    await fx.close();
  }
  return rows;
}

async function bursts(cli: string, build: string, bossdbUrl: string): Promise<StallRow[]> {
  const bridge = await spawnServer([
    cli,
    'serve',
    '--port',
    '0',
    '--no-viewer',
    '--no-demo',
    '--bossdb-url',
    bossdbUrl,
    '--log-level',
    'error',
  ]);
  const base = `${bridge.url}/zarr/v3/bossdb/zb_public/big/em/0`;
  const rows: StallRow[] = [];
  try {
    await (await fetch(`${base}/zarr.json`)).text();
    for (const burst of ['first', 'second'] as const) {
      const latencies: number[] = [];
      let done = false;
      const probe = (async () => {
        while (!done) {
          const t = performance.now();
          await (await fetch(`${base}/zarr.json`)).text();
          latencies.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      // One 256² block from each of 16 cuboids (512² × 16), a different set of cuboids per burst.
      const y0 = burst === 'first' ? 0 : 8;
      const keys: string[] = [];
      for (let y = y0; y < y0 + 8; y += 2) for (let x = 0; x < 8; x += 2) keys.push(`c/0/${y}/${x}`);
      const started = performance.now();
      await Promise.all(
        keys.map(async (k) => {
          const res = await fetch(`${base}/${k}`);
          if (!res.ok) throw new Error(`${k}: ${res.status}`);
          await res.arrayBuffer();
        }),
      );
      const burstMs = performance.now() - started;
      done = true;
      await probe;
      latencies.sort((a, b) => a - b);
      rows.push({
        build,
        burst,
        burstMs,
        medianMs: latencies[latencies.length >> 1],
        p90Ms: latencies[Math.floor(latencies.length * 0.9)],
        maxMs: latencies[latencies.length - 1],
        probes: latencies.length,
      });
    }
  } finally {
    await bridge.close();
  }
  return rows;
}

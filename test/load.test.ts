/**
 * Load: 200 concurrent connections of mixed chunk requests (pass-through,
 * transcoded Zarr v2/v3, N5, sharded, BossDB) against `zarr-bridge serve` in
 * its own process. 0 errors and 0 non-2xx, the bridge's peak RSS under
 * 300 MiB and the BossDB block cache within its configured size are the
 * verdicts; p50/p99 and requests/s are reported, never judged (timing is for
 * `npm run bench`). `npm test` runs 5 s; `npm run test:load` runs 30 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BossdbFixture, startBossdbFixture } from './bossdb-fixture/index.js';
import { FIXTURES, fixturesPresent, missing, REPO } from './support/env.js';
import { until } from './support/until.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 5);
const CACHE_MB = 32;
const cli = join(REPO, 'out/main/cli.js');

const skip = missing('shared fixtures', fixturesPresent()) || missing('a built CLI (npm run build)', existsSync(cli));

describe.skipIf(skip)(`load: 200 connections for ${SECONDS} s`, () => {
  let fixture: BossdbFixture;
  let child: ChildProcess;
  let base: string;
  /** The bridge's own log: it warns about any answer slower than 5 s. */
  let logs = '';

  beforeAll(async () => {
    fixture = await startBossdbFixture();
    const open = ['generated/image_gzip.ome.zarr', 'generated/image_sharded.ome.zarr', 'generated/data.n5'].flatMap(
      (f) => ['--open', join(FIXTURES, f)],
    );
    child = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--port',
        '0',
        '--no-viewer',
        '--cache-mb',
        String(CACHE_MB),
        '--bossdb-url',
        fixture.url,
        '--log-level',
        'warn',
        ...open,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await Promise.race([exited, until(() => /listening on (\S+)/.test(out))]);
    base = /listening on (\S+)/.exec(out)?.[1] ?? '';
    if (!base) throw new Error(`the bridge did not start: ${out}`);
    child.stderr?.on('data', (d) => {
      logs += d;
    });
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    await fixture?.close();
  });

  it(
    'serves mixed chunk requests with 0 errors',
    async () => {
      const paths: string[] = [];
      for (let t = 0; t < 2; t++)
        for (let c = 0; c < 2; c++)
          for (let z = 0; z < 2; z++)
            for (let y = 0; y < 2; y++)
              for (let x = 0; x < 3; x++) {
                paths.push(`/zarr/v2/local/image_gzip.ome.zarr/0/${t}/${c}/${z}/${y}/${x}`); // pass-through
                paths.push(`/zarr/v3/local/image_gzip.ome.zarr/0/c/${t}/${c}/${z}/${y}/${x}`); // transcoded
                paths.push(`/n5/local/image_gzip.ome.zarr/s0/${x}/${y}/${z}/${c}/${t}`); // N5 blocks
              }
      for (let c = 0; c < 2; c++)
        for (let y = 0; y < 2; y++)
          for (let x = 0; x < 3; x++) {
            paths.push(`/zarr/v3/local/image_sharded.ome.zarr/0/c/${c}/0/${y}/${x}`); // whole shards
            paths.push(`/zarr/v2/local/image_sharded.ome.zarr/0/${c}/1/${y}/${x}`); // inner chunks, transcoded
          }
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) paths.push(`/zarr/v3/bossdb/zb_public/aniso/em16/0/c/0/${y % 3}/${x}`);
      paths.push('/n5/local/data.n5/s0/1/1/1', '/zarr/v2/local/data.n5/s1/0/0/0');
      // Prime BossDB blocks, so the run measures the bridge (the fixture's cutouts are slow to compute).
      for (const p of paths.filter((q) => q.includes('bossdb'))) expect((await fetch(`${base}${p}`)).status).toBe(200);

      const result = await autocannon({
        url: base,
        connections: 200,
        duration: SECONDS,
        // The client shares 2 cores with the bridge and the BossDB fixture, and parses every body in JS:
        // its own queueing can exceed autocannon's 10 s default. A hang detector only: latency is reported, not judged.
        timeout: 120,
        requests: paths.map((path) => ({ method: 'GET', path })),
      });
      const pid = child.pid!;
      const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      const health = (await (await fetch(`${base}/health`)).json()) as {
        bossdb: { cacheBytes: number; cacheCapacity: number };
      };
      console.log(
        `load: ${SECONDS} s, 200 connections, ${result.requests.total} requests, ${result.requests.average.toFixed(0)} req/s, ` +
          `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${(result.throughput.average / 2 ** 20).toFixed(1)} MiB/s, ` +
          `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, peak RSS ${(peakKb / 1024).toFixed(0)} MiB, ` +
          `BossDB cache ${(health.bossdb.cacheBytes / 2 ** 20).toFixed(1)} / ${(health.bossdb.cacheCapacity / 2 ** 20).toFixed(0)} MiB`,
      );
      // Warnings say something failed; a slow answer (logged at warn, "request") only says the machine was busy.
      const warnings = logs.split('\n').filter((l) => l.includes('"warn"') && !l.includes('"msg":"request"'));
      expect(warnings).toEqual([]);
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.non2xx).toBe(0);
      // Throughput and latency are figures (printed above, and in `npm run bench`), not verdicts.
      expect(result.requests.total).toBeGreaterThan(0);
      expect(health.bossdb.cacheBytes).toBeLessThanOrEqual(CACHE_MB * 2 ** 20);
      expect(peakKb / 1024).toBeLessThan(300);
    },
    (SECONDS + 60) * 1000,
  );
});

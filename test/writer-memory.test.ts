/**
 * Bounded memory: the built `zarr-bridge convert` turns a volume larger than
 * `--memory` (written by zarr-python, blosc) into a sharded 0.5 pyramid, and
 * the process's peak RSS (codec worker threads included) stays within it.
 * Node and two codec threads alone take about 100 MB and the allocator keeps
 * more, so the bound tested is one a user can pass: 360 MB for 420 MB of data.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished } from './support/convert.js';
import { missing, pythonZarrPresent, REPO } from './support/env.js';
import { runPython } from './support/python.js';

const CLI = join(REPO, 'out/main/cli.js');
const skip =
  missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent()) ||
  missing(`the built CLI (${CLI}; npm run build)`, existsSync(CLI));

describe.skipIf(skip)('convert: bounded memory', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-memory-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('converts 420 MB of voxels within --memory 360', async () => {
    const volume = join(tmp, 'big.zarr');
    const made = await runPython([join(REPO, 'test/py/make_volume.py'), volume, 'uint16', '200', '1024', '1024', '64']);
    expect(made.status, made.stderr).toBe(0);
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        CLI,
        'convert',
        volume,
        '-o',
        join(tmp, 'out.ome.zarr'),
        '--memory',
        '360',
        '--threads',
        '2',
        '--levels',
        '2',
        '--progress',
        'json',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const r = await finished(child);
    expect(r.code, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      peakRssBytes: number;
      voxels: number;
      memoryAtPeak: Record<string, number> & { when?: unknown };
    };
    expect(done.voxels).toBeGreaterThanOrEqual(200 * 1024 * 1024);
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    const at = done.memoryAtPeak;
    // What the main thread held when RSS was highest (sampled): the rest is the codec workers' and the allocator's.
    const where = `sampled peak RSS ${mib(at.rssBytes)}: main heap ${mib(at.heapTotalBytes)}, external ${mib(at.externalBytes)} (ArrayBuffers ${mib(at.arrayBuffersBytes)}), at ${JSON.stringify(at.when)}`;
    process.stdout.write(`peak RSS ${mib(done.peakRssBytes)} for --memory 360; ${where}\n`);
    expect(done.peakRssBytes / 2 ** 20, where).toBeLessThanOrEqual(360);
  }, 600_000);

  it('reports its own peak RSS, not the high-water mark of the process that started it', async () => {
    const volume = join(tmp, 'small.zarr');
    const made = await runPython([join(REPO, 'test/py/make_volume.py'), volume, 'uint16', '16', '128', '128', '64']);
    expect(made.status, made.stderr).toBe(0);
    const { spawn } = await import('node:child_process');
    // A parent 600 MiB larger than the CLI: forked from it, the child starts as a copy of it.
    const ballast = Buffer.alloc(600 * 2 ** 20, 1);
    const child = spawn(
      process.execPath,
      [CLI, 'convert', volume, '-o', join(tmp, 'small.ome.zarr'), '--threads', '1', '--progress', 'json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const r = await finished(child);
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(r.code, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { peakRssBytes: number };
    expect(done.peakRssBytes / 2 ** 20).toBeLessThan(400);
  }, 600_000);
});

/**
 * Each command of the built CLI loads only its own code: `--version` loads no bridge, `convert` never loads
 * the HTTP server (express) that only `serve` needs, and the TIFF readers (geotiff, fast-png, fast-xml-parser)
 * load only for a TIFF input. Every module a command resolves is recorded by a resolve
 * hook (test/support/record-imports.mjs), so the test reads what the process really loaded. Before the commands
 * were split, `convert` loaded express and the TIFF readers, and `--version` the whole bridge.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing, PYTHON, REPO } from './support/env.js';
import { pythonTiffPresent } from './support/tiff-fixtures.js';

const CLI = join(REPO, 'out/main/cli.js');
const HOOK = join(REPO, 'test/support/record-imports.mjs');
const skip = missing(`the built CLI (${CLI}; npm run build)`, existsSync(CLI));

describe.skipIf(skip)('the CLI loads what its command needs', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-cli-startup-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** Runs the CLI; returns its exit status and the URLs of the modules it resolved. */
  function loaded(name: string, args: string[]): { status: number | null; stderr: string; modules: string[] } {
    const log = join(tmp, `${name}.log`);
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['--import', HOOK, CLI, ...args], {
      env: { ...process.env, ZB_IMPORTS_LOG: log },
      encoding: 'utf8',
    });
    return { status: r.status, stderr: r.stderr, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  }
  const fromPackage = (modules: string[], pkg: string) => modules.filter((m) => m.includes(`/node_modules/${pkg}/`));

  it('--version loads no bridge and no dependency', () => {
    const r = loaded('version', ['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.modules.filter((m) => m.includes('/node_modules/'))).toEqual([]);
  });

  it('convert of a Zarr array writes its output without loading express or the TIFF readers', () => {
    // A Zarr v2 array of 2×4×4 uint8, uncompressed, in one chunk.
    const input = join(tmp, 'in.zarr');
    mkdirSync(input);
    writeFileSync(
      join(input, '.zarray'),
      JSON.stringify({
        zarr_format: 2,
        shape: [2, 4, 4],
        chunks: [2, 4, 4],
        dtype: '|u1',
        compressor: null,
        fill_value: 0,
        order: 'C',
        filters: null,
      }),
    );
    writeFileSync(
      join(input, '0.0.0'),
      Uint8Array.from({ length: 32 }, (_, i) => i + 1),
    );
    const r = loaded('convert', [
      'convert',
      input,
      '-o',
      join(tmp, 'out.ome.zarr'),
      '--levels',
      '1',
      '--progress',
      'json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(tmp, 'out.ome.zarr', 'zarr.json'))).toBe(true);
    // The hook saw the reader it needed, so an empty list below means something.
    expect(fromPackage(r.modules, 'zarrita').length).toBeGreaterThan(0);
    for (const pkg of ['express', 'geotiff', 'fast-png', 'fast-xml-parser'])
      expect(fromPackage(r.modules, pkg)).toEqual([]);
  });

  it.skipIf(missing('Debian python3-tifffile (/usr/bin/python3)', pythonTiffPresent()))(
    'convert of a TIFF loads the TIFF reader',
    () => {
      const tiff = join(tmp, 'one.tif');
      const made = spawnSync(PYTHON, [
        '-c',
        'import sys, numpy, tifffile; tifffile.imwrite(sys.argv[1], numpy.arange(64, dtype=numpy.uint16).reshape(8, 8))',
        tiff,
      ]);
      expect(made.status, made.stderr?.toString()).toBe(0);
      const r = loaded('tiff', [
        'convert',
        tiff,
        '-o',
        join(tmp, 'tiff.ome.zarr'),
        '--levels',
        '1',
        '--progress',
        'json',
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(fromPackage(r.modules, 'geotiff').length).toBeGreaterThan(0);
    },
  );
});

/**
 * Each command of the built CLI loads only its own code: `--version` loads no bridge, `convert` never loads
 * the HTTP server (express) that only `serve` needs, and the TIFF readers (geotiff, fast-png, fast-xml-parser)
 * load only for a TIFF input. Every module a command resolves is recorded by a resolve
 * hook (test/support/record-imports.mjs), so the test reads what the process really loaded. Before the commands
 * were split, `convert` loaded express and the TIFF readers, and `--version` the whole bridge.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing, REPO } from './support/env.js';
import { runPython } from './support/python.js';
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
    async () => {
      const tiff = join(tmp, 'one.tif');
      const made = await runPython([
        '-c',
        'import sys, numpy, tifffile; tifffile.imwrite(sys.argv[1], numpy.arange(64, dtype=numpy.uint16).reshape(8, 8))',
        tiff,
      ]);
      expect(made.status, made.stderr).toBe(0);
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

/**
 * `bin/zarr-bridge.cjs serve` gives libuv's thread pool one thread per core below 4 cores (at least 2), before the ES
 * module loader starts the pool; a UV_THREADPOOL_SIZE the user set wins. Read from the outside: the threads of a
 * running `serve` (Linux's /proc), against the same `serve` with the pool's size given explicitly. Set from
 * inside out/main/cli.js instead, the size would be ignored (the pool runs by then) and the counts would differ.
 */
describe.skipIf(skip || missing('/proc (Linux)', existsSync('/proc/self/task')))(
  "bin/zarr-bridge.cjs sizes libuv's thread pool",
  () => {
    const BIN = join(REPO, 'bin/zarr-bridge.cjs');

    /** Threads of a `serve` once it has answered /health, with `pool` as UV_THREADPOOL_SIZE (undefined: unset). */
    async function threadsOfServe(pool: string | undefined): Promise<number> {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.UV_THREADPOOL_SIZE;
      if (pool) env.UV_THREADPOOL_SIZE = pool;
      const args = ['serve', '--port', '0', '--no-viewer', '--no-demo', '--bossdb-url', 'none', '--log-level', 'info'];
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          const onData = (d: Buffer) => {
            out += d.toString();
            const m = /listening on (http\S+)/.exec(out);
            if (m) resolve(m[1]);
          };
          child.stdout.on('data', onData);
          child.stderr.on('data', onData);
          child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
        });
        expect((await fetch(`${url}/health`)).status).toBe(200);
        return readdirSync(`/proc/${child.pid}/task`).length;
      } finally {
        child.kill('SIGKILL');
      }
    }

    it('below 4 cores one thread per core (at least 2), from 4 cores libuv’s 4; the user’s size wins', async () => {
      const cores = availableParallelism();
      const chosen = cores < 4 ? Math.max(2, cores) : 4;
      const withFour = await threadsOfServe('4');
      expect(await threadsOfServe(undefined)).toBe(withFour - 4 + chosen);
      expect(await threadsOfServe('6')).toBe(withFour + 2);
    });
  },
);

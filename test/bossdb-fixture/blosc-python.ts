/**
 * BossDB's own blosc frames, for the fixture to serve instead of its own (`FixtureOptions.bloscFrame`):
 * c-blosc's `blosc_compress` with blosclz, clevel 9, byte-shuffle and the bit depth as the type size, the call
 * python-blosc makes for BossDB's BloscRenderer (test/py/bossdb_blosc.py, Debian's libblosc1 via ctypes).
 * Unlike `encodeBossdbBlosc`'s frames (zstd inside, a forced block size), these are the bytes a client of the
 * real service decodes: blosclz streams, each block split into 8 or 16 of them, the block size c-blosc picks.
 *
 * One short `python3` per frame (ctypes only, about 30 ms), not the suite's shared interpreter
 * (support/python.ts): a reader running there may be what asked for this cutout, and would wait on itself.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PYTHON, REPO } from '../support/env.js';

const SCRIPT = join(REPO, 'test/py/bossdb_blosc.py');

export function pythonBossdbBlosc(raw: Uint8Array, bitDepth: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, String(bitDepth)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`bossdb_blosc.py exited ${code}: ${err.slice(-1000)}`));
      else resolve(new Uint8Array(Buffer.concat(out)));
    });
    child.stdin.end(raw);
  });
}

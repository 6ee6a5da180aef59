/** OME-Zarr 0.5 test images written by numcodecs (test/py/write_ome05.py), and the formula their values follow. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './env.js';
import { runPython } from './python.js';

export interface Ome05Spec {
  name: string;
  /** `none`, `gzip`, `zstd`, or `blosc-<cname>-<noshuffle|shuffle|bitshuffle>`. */
  codec: string;
  sharded: boolean;
  channels?: number;
  height: number;
  width: number;
  levels: number;
  chunk: number;
  shard: number;
  kind?: 'image' | 'labels';
  /** Levels from this one on hold only fill (as BossDB levels below a non-zero coordinate frame). */
  empty_from?: number;
}

/** Writes the images into `dir` (each at `dir/<name>`); throws with Python's message on failure. */
export async function writeOme05(dir: string, specs: Ome05Spec[]): Promise<void> {
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(specs));
  const run = await runPython([join(REPO, 'test/py/write_ome05.py'), dir, specFile]);
  if (run.status !== 0) throw new Error(`write_ome05.py failed: ${run.stderr}`);
}

/** The writer's uint16 formula (write_ome05.py `intensity`): a ramp plus six hashed bits. */
export function intensity(c: number, y: number, x: number): number {
  const noise = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 26;
  return (c * 9973 + y * 13 + x * 7 + noise) % 65536;
}

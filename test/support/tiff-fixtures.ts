/**
 * TIFF, OME-TIFF and image-stack fixtures written at test time by other
 * implementations (test/py/tiff_fixtures.py: Debian's tifffile, PIL over
 * libtiff), with what an independent reader sees in each, dumped raw.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, REPO } from './env.js';

export interface ExpectedArray {
  /** Path of the array under the mount: `0`, `1`, or `<series>/<level>`. */
  path: string;
  file: string;
  dtype: string;
  shape: number[];
}

export interface TiffSource {
  id: string;
  open: string;
  writer: string;
  reader: string;
  compression: string;
  layout: string;
  dtype: string;
  axes: string[];
  arrays: ExpectedArray[];
  tolerance: number;
  scale?: number[][];
  units?: (string | null)[];
  omero?: { label: string; color: string }[];
  series?: string[];
}

export interface TiffFixtures {
  sources: TiffSource[];
  /** Sources the bridge must refuse, with the error tag. */
  refused: { id: string; open: string; bad: string }[];
  odd: { open: string; odd: string; z: number };
  many?: {
    open: string;
    slices: number;
    first: { file: string; dtype: string; shape: number[] };
    last: { file: string; dtype: string; shape: number[] };
    broken: string;
  };
}

let tifffileOk: boolean | undefined;
export function pythonTiffPresent(): boolean {
  tifffileOk ??=
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'import tifffile, PIL, numpy, zarr'], { stdio: 'ignore' }).status === 0;
  return tifffileOk;
}

/** Writes the fixtures into `dir`; `many`: also a stack of that many slices (all but two unreadable). */
export function writeTiffFixtures(dir: string, many?: number): TiffFixtures {
  const args = [join(REPO, 'test/py/tiff_fixtures.py'), dir, ...(many ? ['--many', String(many)] : [])];
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`tiff_fixtures.py exited ${run.status}: ${run.stderr.slice(-3000)}`);
  const out = JSON.parse(run.stdout) as {
    sources: (TiffSource | { id: string; open: string; bad: string })[];
    odd: TiffFixtures['odd'];
    many: TiffFixtures['many'] | null;
  };
  return {
    sources: out.sources.filter((s): s is TiffSource => !('bad' in s)),
    refused: out.sources.filter((s): s is { id: string; open: string; bad: string } => 'bad' in s),
    odd: out.odd,
    ...(out.many ? { many: out.many } : {}),
  };
}

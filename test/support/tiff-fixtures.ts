/**
 * TIFF, OME-TIFF and image-stack fixtures written at test time by other
 * implementations (test/py/tiff_fixtures.py: Debian's tifffile, PIL over
 * libtiff), with what an independent reader sees in each, dumped raw.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { PYTHON, REPO } from './env.js';
import { runPython } from './python.js';
import { until } from './until.js';

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

/** Slices of the large stack in the shared fixtures (all but two unreadable). */
export const MANY_SLICES = 10_000;

/**
 * The run's TIFF fixtures, with a stack of MANY_SLICES slices, written once into the run's shared folder
 * (test/support/global-setup.ts) by whichever test file asks first, in either worker; the others wait for it.
 * Tests only read them. The fixtures' description is written last, so its presence means they are complete.
 */
export async function sharedTiffFixtures(): Promise<TiffFixtures> {
  const root = inject('sharedFixtureDir');
  const dir = join(root, 'tiff');
  const done = join(root, 'tiff.json');
  const failed = join(root, 'tiff.failed');
  let mine = false;
  try {
    mkdirSync(join(root, 'tiff.lock'));
    mine = true;
  } catch {
    /* another file is writing them */
  }
  if (mine) {
    try {
      writeFileSync(done, JSON.stringify(await writeTiffFixtures(dir, MANY_SLICES)));
    } catch (e) {
      writeFileSync(failed, String(e));
      throw e;
    }
  }
  // Bounded by the caller's hook timeout (a hang detector).
  await until(() => existsSync(done) || existsSync(failed), 200);
  if (!existsSync(done)) throw new Error(`the shared TIFF fixtures failed: ${readFileSync(failed, 'utf8')}`);
  return JSON.parse(readFileSync(done, 'utf8')) as TiffFixtures;
}

/** Writes the fixtures into `dir`; `many`: also a stack of that many slices (all but two unreadable). */
export async function writeTiffFixtures(dir: string, many?: number): Promise<TiffFixtures> {
  const args = [join(REPO, 'test/py/tiff_fixtures.py'), dir, ...(many ? ['--many', String(many)] : [])];
  const run = await runPython(args);
  if (run.status !== 0) throw new Error(`tiff_fixtures.py exited ${run.status}: ${run.stderr.slice(-3000)}`);
  const out = JSON.parse(run.stdout.toString('utf8')) as {
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

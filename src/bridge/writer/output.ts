/**
 * Claiming OUTPUT: refuse an existing one unless told (--overwrite replaces
 * it, --resume and parts continue the conversion in it), never delete what
 * does not look like a Zarr dataset, and never write into an input.
 */
import { lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { describeIoError, WriterError } from './errors.js';
import { JOB_DIR } from './journal.js';
import type { RunMode } from './options.js';

/** Root files that make a folder a dataset this tool may replace. */
const DATASET_MARKERS = ['zarr.json', '.zgroup', '.zarray', '.zattrs', JOB_DIR];

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Real path, following symlinks in the parts that exist. */
async function realish(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    return await realpath(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(await realish(parent), abs.slice(parent.length + 1));
  }
}

const inside = (child: string, parent: string) =>
  child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

export type OutputState = 'new' | 'continuing' | 'complete';

/**
 * Makes OUTPUT ready. `new`: an empty folder now; `continuing`: a conversion
 * is under way in it (--resume, parts, --finalize); `complete`: --resume on
 * a dataset already finished (nothing to do).
 */
export async function claimOutput(
  output: string,
  mode: RunMode,
  inputFolders: readonly string[],
): Promise<OutputState> {
  const out = await realish(output);
  for (const input of inputFolders) {
    const real = await realish(input);
    if (inside(out, real) || inside(real, out)) {
      throw new WriterError('Usage', `OUTPUT ${output} and the input ${input} overlap`);
    }
  }
  if (await exists(out)) {
    const st = await lstat(out);
    const underWay = await exists(join(out, JOB_DIR));
    const joining = mode.resume || mode.part !== undefined || mode.finalize;
    if (joining && underWay) return 'continuing';
    // Another part may have made OUTPUT a moment ago, its job folder not yet.
    if (joining && st.isDirectory() && (await readdir(out)).length === 0) return 'continuing';
    if (mode.resume && !mode.overwrite && st.isDirectory()) {
      const names = await readdir(out);
      if (names.includes('zarr.json') || names.includes('.zgroup')) return 'complete';
    }
    if (!mode.overwrite) {
      throw new WriterError(
        'OutputExists',
        `${output} exists: pass --overwrite to replace it, or --resume to continue`,
      );
    }
    if (st.isDirectory()) {
      const names = await readdir(out);
      if (names.length > 0 && !names.some((n) => DATASET_MARKERS.includes(n))) {
        throw new WriterError('Output', `${output} is a folder that holds no Zarr dataset: not replacing it`);
      }
    }
    try {
      await rm(out, { recursive: true, force: true });
    } catch (e) {
      throw describeIoError(e, output);
    }
  } else if (mode.finalize) {
    throw new WriterError('PartsPending', `${output} does not exist: run the parts first`);
  }
  try {
    // OUTPUT and its job folder at once, so a part starting beside this one sees a conversion under way.
    await mkdir(join(out, JOB_DIR), { recursive: true });
  } catch (e) {
    throw describeIoError(e, output);
  }
  return 'new';
}

/**
 * What to open from paths named on the command line (or by a second launch):
 * Zarr and N5 folders, TIFF/OME-TIFF files and folders of image slices, as
 * `--open` takes them. Flags, the app's own path and anything else are skipped.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { METADATA_FILES } from '../bridge/sources/local/openable.js';
import { tiffSourceAt } from '../bridge/sources/tiff/detect.js';

/** Absolute paths of the arguments the bridge can mount, in the order given. */
export async function pathsToOpen(argv: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || arg === '.') continue;
    const path = resolve(cwd, arg);
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    const store =
      st.isDirectory() &&
      (/\.(ome\.zarr|zarr|n5)\/?$/i.test(arg) || METADATA_FILES.some((m) => existsSync(join(path, m))));
    // A TIFF file is known by its first bytes, whatever its name, as `--open` knows it.
    if (store || (await tiffSourceAt(path).catch(() => undefined))) out.push(path);
  }
  return out;
}
